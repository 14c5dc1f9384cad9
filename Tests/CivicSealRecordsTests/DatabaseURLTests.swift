import CivicSealPostgres
import CivicSealPostgresStore
import Testing

/// `--database` is strict: a known scheme, a user and a database, known parameters only, and never a password.
@Suite struct DatabaseURLTests {
    @Test("sqlite: names a path; the default text names the data directory's file")
    func sqliteURLsNameAPath() throws {
        #expect(try DatabaseURL("sqlite:.civicseal/civicseal.db") == .sqlite(path: ".civicseal/civicseal.db"))
        #expect(try DatabaseURL("sqlite:///var/lib/civicseal/db") == .sqlite(path: "/var/lib/civicseal/db"))
        #expect(throws: DatabaseURL.Invalid.self) { try DatabaseURL("sqlite:") }
    }

    @Test("postgresql:// gives endpoint, user, database and TLS; a socket directory comes from host=")
    func postgresURLsParse() throws {
        guard case .postgresql(let tcp) = try DatabaseURL("postgresql://civicseal@db.example:6432/records") else {
            Issue.record("not postgresql")
            return
        }
        #expect(tcp.endpoint == .tcp(host: "db.example", port: 6432))
        #expect(tcp.user == "civicseal" && tcp.database == "records")
        #expect(tcp.tls == .require)  // TCP defaults to TLS
        guard
            case .postgresql(let socket) = try DatabaseURL(
                "postgres://app@localhost/records?host=/run/postgresql&sslmode=disable&pool_size=4")
        else {
            Issue.record("not postgresql")
            return
        }
        #expect(socket.endpoint == .unixSocket(directory: "/run/postgresql", port: 5432))
        #expect(socket.tls == .disable && socket.poolSize == 4)
        guard
            case .postgresql(let verified) = try DatabaseURL(
                "postgresql://app@db.example/records?sslmode=verify-full&sslrootcert=/etc/ca.pem")
        else {
            Issue.record("not postgresql")
            return
        }
        #expect(verified.tls == .verifyFull(caBundle: "/etc/ca.pem"))
    }

    @Test(
        "refused: passwords anywhere, unknown schemes and parameters, no user or database, verify-full without a CA",
        arguments: [
            "postgresql://app:secret@db/records", "postgresql://app@db/records?password=secret", "mysql://app@db/x",
            "postgresql://db/records", "postgresql://app@db/", "postgresql://app@db/records?sslmode=prefer",
            "postgresql://app@db/records?sslmode=verify-full", "postgresql://app@db/records?colour=red",
            "postgresql://app@db/records?pool_size=0", "postgresql://app@db/records?sslmode=disable&sslmode=require",
            "postgresql://app@db:70000/records", "records.db", "",
        ])
    func badURLsAreRefused(text: String) {
        let error = #expect(throws: DatabaseURL.Invalid.self) { try DatabaseURL(text) }
        #expect(error?.description.contains("secret") == false)
    }

    @Test("the password comes from the passfile or the environment, never from the URL")
    func passwordComesFromPassfileOrEnvironment() throws {
        guard case .postgresql(let target) = try DatabaseURL("postgresql://app@db/records") else { return }
        let fromEnvironment = try target.configuration(environment: [DatabaseURL.passwordVariable: "s3cret"])
        #expect(fromEnvironment.password == "s3cret")
        #expect(try target.configuration(environment: [:]).password == nil)
        #expect(!DatabaseURL.postgresql(target).description.contains("s3cret"))
    }
}
