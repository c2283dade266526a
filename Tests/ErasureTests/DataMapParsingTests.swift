import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue
import GDPRWorkerTestSupport
import Testing

extension ErasureTests {
    @Suite("Data map parsing")
    struct DataMapParsingTests {
        @Test("every strategy, edge and option is read into the model")
        func model() async throws {
            let map = try DataMap(
                yaml: """
                    version: 1
                    cascade_limit: 7
                    links:
                      - table: links
                        columns: [a, b, c]
                    tables:
                      people:
                        primary_key: [tenant, id]
                        match: key
                        on_delete: anonymise
                        columns:
                          tenant: keep
                          id: keep
                          key: rekey
                          nothing: null
                          tilde: ~
                          gone: redact
                          said: { redact: "Anonymised" }
                          secret: token
                          email: { placeholder: email }
                          phone: { placeholder: phone }
                          name: { placeholder: name }
                          ip: { placeholder: ip }
                          device: { placeholder: uuid }
                          note: { placeholder: text }
                          born: { placeholder: date }
                      homes:
                        reached_by:
                          - column: id
                            referenced_by: people.home_id
                        columns: { id: keep }
                      visits:
                        reached_by:
                          - { column: person_id, references: people.id }
                        archive: { table: visits_old, time_column: at }
                        columns: { person_id: keep, at: keep }
                    """)
            #expect(map.cascadeLimit == 7)
            #expect(map.links == [LinkTable(table: "links", columns: ["a", "b", "c"])])
            let people = try #require(map.table(named: "people"))
            #expect(people.primaryKey == ["tenant", "id"])
            #expect(people.match == ["key"])
            #expect(people.onDelete == .anonymise)
            #expect(
                people.columns.map(\.strategy) == [
                    .keep, .keep, .rekey, .null, .null, .redact("REDACTED"), .redact("Anonymised"), .token,
                    .placeholder(.email), .placeholder(.phone),
                    .placeholder(.name), .placeholder(.ip), .placeholder(.uuid), .placeholder(.text),
                    .placeholder(.date),
                ])
            #expect(
                map.table(named: "homes")?.reachedBy == [ReachEdge(column: "id", .referencedBy, "people", "home_id")])
            #expect(
                map.table(named: "visits")?.reachedBy == [ReachEdge(column: "person_id", .references, "people", "id")])
            #expect(map.archivePairs == [ArchivePair(hotTable: "visits", archiveTable: "visits_old", timeColumn: "at")])
            #expect(map.requiresArchiveWatermark)
            #expect(map.table(named: "visits_old")?.columns == map.table(named: "visits")?.columns)
            #expect(ErasureJobHandler(dataMap: map).requiresArchiveWatermark)
            #expect(ErasureJobHandler(dataMap: map).archivePairs.map(\.archiveTable) == ["visits_old"])
        }

        @Test("every problem of a malformed map is reported, one line each, without stopping at the first")
        func problems() async throws {
            let error = try #require(throws: DataMapError.self) {
                try DataMap(
                    yaml: """
                        version: 1
                        cascade_limit: 0
                        links:
                          - table: links
                            columns: [only_one]
                        tables:
                          people:
                            match: [key]
                            on_delete: shred
                            reached_by:
                              - column: home_id
                                references: homes
                            columns:
                              key: keep
                              key: rekey
                              email:
                              name: placeholder
                        """)
            }
            let lines = error.problems.map(\.description)
            #expect(lines.contains { $0.hasPrefix("cascade_limit:") })
            #expect(lines.contains("links: link table needs at least two key columns in columns"))
            #expect(lines.contains("people: on_delete: must be delete or anonymise"))
            #expect(lines.contains("people.home_id: references: must be TABLE.COLUMN"))
            #expect(lines.contains("people: columns: 'key' appears twice"))
            #expect(lines.contains { $0.hasPrefix("people.email: no strategy") })
            #expect(lines.contains { $0.hasPrefix("people.name: placeholder needs a kind") })
            #expect(lines.allSatisfy { !$0.contains("\n") })
            #expect("\(error)".hasPrefix("data map: "))
        }

        @Test("the sample's data map and the README's example parse, and are the same map")
        func readmeExample() async throws {
            let readme = try String(contentsOf: PackagePaths.root.appending(path: "README.md"), encoding: .utf8)
            let section = try #require(readme.range(of: "## Data map"))
            let start = try #require(readme.range(of: "```yaml\n", range: section.upperBound..<readme.endIndex))
            let end = try #require(readme.range(of: "```", range: start.upperBound..<readme.endIndex))
            let example = try DataMap(yaml: String(readme[start.upperBound..<end.lowerBound]))
            #expect(example == (try ShopSample.dataMap()))
        }
    }
}
