/// How many working days each kind of request may take (configurable).
///
/// Criminal records: 10 working days, 15 when the person lived in several places or abroad, is a foreigner,
/// or an expungement must be verified (Art. 48, Law on Judicial Records 28/2009/QH12; some sources give 20 for
/// the long case, hence configuration). Health documents default to 5 working days (a service target, not law).
package struct DeadlinePolicy: Codable, Sendable, Equatable {
    package var criminalRecordWorkingDays: Int
    package var criminalRecordComplexWorkingDays: Int
    package var healthCertificateWorkingDays: Int
    package var healthBookExtractWorkingDays: Int

    package init(
        criminalRecordWorkingDays: Int = 10,
        criminalRecordComplexWorkingDays: Int = 15,
        healthCertificateWorkingDays: Int = 5,
        healthBookExtractWorkingDays: Int = 5
    ) {
        self.criminalRecordWorkingDays = criminalRecordWorkingDays
        self.criminalRecordComplexWorkingDays = criminalRecordComplexWorkingDays
        self.healthCertificateWorkingDays = healthCertificateWorkingDays
        self.healthBookExtractWorkingDays = healthBookExtractWorkingDays
    }

    package func workingDays(for kind: RequestKind, complexity: CaseComplexity) -> Int {
        switch kind {
        case .criminalRecord:
            complexity.isComplex ? criminalRecordComplexWorkingDays : criminalRecordWorkingDays
        case .healthCertificate: healthCertificateWorkingDays
        case .healthBookExtract: healthBookExtractWorkingDays
        }
    }

    /// The deadline of a validated request received on `receivedOn`.
    package func deadline(
        for request: ValidatedRequest, receivedOn: CalendarDate, calendar: WorkingDayCalendar
    ) -> StatutoryDeadline {
        StatutoryDeadline(
            receivedOn: receivedOn, workingDays: workingDays(for: request.kind, complexity: request.complexity),
            calendar: calendar)
    }
}
