/// Start-up and authentication ("Message Flow: Start-up"): SSLRequest and TLS, StartupMessage, the
/// authentication exchange, then ParameterStatus and BackendKeyData until ReadyForQuery.
extension PostgresConnection {
    func startUp(policy: WaitPolicy) throws(PostgresError) {
        let configuration = self.configuration
        let socket = try PostgresSocket.connect(
            configuration.endpoint, maximumMessageBytes: configuration.maximumMessageBytes, policy: policy)
        self.socket = socket
        // A Unix socket is local: TLS does not apply there (libpq does the same; the server refuses SSL on it).
        if let tlsContext, case .tcp(let host, _) = configuration.endpoint {
            guard try socket.startTLS(tlsContext, host: host, policy: policy) else {
                throw PostgresError(.tls, "\(configuration.endpoint) does not accept TLS connections")
            }
        }
        var startup = FrontendBuffer()
        startup.startup([
            ("user", configuration.user), ("database", configuration.database),
            ("application_name", configuration.applicationName), ("client_encoding", "UTF8"),
        ])
        try socket.write(startup.bytes, policy: policy)
        try authenticate(socket, policy: policy)
        while true {
            switch try next(socket, policy: policy, duringStartup: true) {
            case .backendKeyData(let processID, let secretKey): backendKey = (processID, secretKey)
            case .readyForQuery: return
            case let other: throw unexpected(other, "after authentication")
            }
        }
    }

    private func authenticate(_ socket: PostgresSocket, policy: WaitPolicy) throws(PostgresError) {
        let configuration = self.configuration
        var scram: SCRAMClient?
        var scramVerified = false
        while true {
            guard case .authentication(let request) = try next(socket, policy: policy, duringStartup: true) else {
                throw PostgresError(.protocol, "the server sent another message before authentication completed")
            }
            var answer = FrontendBuffer()
            switch request {
            case .ok:
                if scram != nil, !scramVerified {
                    throw PostgresError(.authentication, "the server ended SCRAM without proving it knows the password")
                }
                if configuration.channelBinding == .require, scram?.mechanism != "SCRAM-SHA-256-PLUS" {
                    throw PostgresError(.authentication, "channel binding is required but the server did not use it")
                }
                return
            case .cleartextPassword:
                try checkPasswordAllowed(cleartext: true, socket)
                answer.password(try password())
            case .md5Password(let salt):
                try checkPasswordAllowed(cleartext: false, socket)
                answer.password(try SCRAMClient.md5Answer(user: configuration.user, password: password(), salt: salt))
            case .sasl(let mechanisms):
                guard scram == nil else { throw PostgresError(.protocol, "the server restarted SASL") }
                var client = try SCRAMClient(password: password(), binding: try binding(socket, offered: mechanisms))
                guard mechanisms.contains(client.mechanism) else {
                    throw PostgresError(
                        .authentication, "the server offers none of the client's SASL mechanisms (SCRAM-SHA-256)")
                }
                answer.saslInitialResponse(mechanism: client.mechanism, client.clientFirst())
                scram = client
            case .saslContinue(let data):
                guard var client = scram else { throw PostgresError(.protocol, "SASL data outside SASL") }
                answer.saslResponse(try client.clientFinal(serverFirst: data))
                scram = client
            case .saslFinal(let data):
                guard let client = scram else { throw PostgresError(.protocol, "SASL data outside SASL") }
                try client.verify(serverFinal: data)
                scramVerified = true
                continue
            case .other(let code):
                throw PostgresError(.unsupported, "the server asks for authentication method \(code)")
            }
            try socket.write(answer.bytes, policy: policy)
        }
    }

    private func password() throws(PostgresError) -> String {
        guard let password = configuration.password else {
            throw PostgresError(.authentication, "the server asks for a password and none is configured")
        }
        return password
    }

    private func checkPasswordAllowed(cleartext: Bool, _ socket: PostgresSocket) throws(PostgresError) {
        if configuration.channelBinding == .require {
            throw PostgresError(.authentication, "channel binding is required but the server asks for a password")
        }
        guard cleartext else { return }
        switch configuration.allowsCleartextPassword {
        case .always: return
        case .overTLS where socket.isTLS: return
        default:
            throw PostgresError(.authentication, "the server asks for a cleartext password, which is not allowed here")
        }
    }

    private func binding(_ socket: PostgresSocket, offered: [String]) throws(PostgresError) -> SCRAMClient.Binding {
        guard socket.isTLS, configuration.channelBinding != .disable else {
            if configuration.channelBinding == .require {
                throw PostgresError(.authentication, "channel binding is required but the connection is not TLS")
            }
            return .unsupported
        }
        if offered.contains("SCRAM-SHA-256-PLUS") { return .serverEndPoint(try socket.serverEndPointHash()) }
        if configuration.channelBinding == .require {
            throw PostgresError(.authentication, "channel binding is required but the server does not offer it")
        }
        return .notOffered
    }

    /// The next message that matters: ParameterStatus is recorded, notices are dropped, notifications go to the
    /// handler, ErrorResponse is thrown.
    func next(_ socket: PostgresSocket, policy: WaitPolicy, duringStartup: Bool = false) throws(PostgresError)
        -> BackendMessage
    {
        while true {
            let (type, body) = try socket.readMessage(policy: policy)
            let message = try BackendMessage.decode(type: type, body: body)
            switch message {
            case .parameterStatus(let name, let value): setServerParameter(name, value)
            case .notice: continue
            case .notification(let processID, let channel, let payload):
                notificationHandler?(PostgresNotification(processID: processID, channel: channel, payload: payload))
            case .error(let fields) where duringStartup:
                throw PostgresError.fromServer(fields, duringStartup: true)
            case .readyForQuery(let status):
                transactionState.store(status, ordering: .relaxed)
                return message
            default: return message
            }
        }
    }

    func unexpected(_ message: BackendMessage, _ when: String) -> PostgresError {
        let name = "\(message)".prefix { $0 != "(" }
        return PostgresError(.protocol, "the server sent \(name) \(when)")
    }

    func terminate(policy: WaitPolicy) {
        if let socket {
            var message = FrontendBuffer()
            message.terminate()
            try? socket.write(message.bytes, policy: policy)
        }
        markBroken()
    }
}
