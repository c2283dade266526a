import Testing

/// The erasure suites in two groups, each one test at a time: every test loads a sample shop and
/// works a database hard, and the machine's cores are shared with the worker pool's liveness
/// tests. Two groups side by side keep both cores busy without letting the erasure tests crowd
/// out everything else; the groups are balanced by run time (about 100 s each on 2 cores).
@Suite(.serialized)
struct ErasureTests {}

/// The second group: chunking, schema shapes, anonymisation, the cascade and the data map check.
@Suite(.serialized)
struct ErasureWorkloadTests {}
