import Testing

/// Every erasure suite, one test at a time: each test loads a sample shop and works a database
/// hard, and the machine's cores are shared with the worker pool's timing-sensitive tests.
@Suite(.serialized)
struct ErasureTests {}
