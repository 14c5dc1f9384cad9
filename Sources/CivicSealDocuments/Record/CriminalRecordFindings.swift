import CivicSealWorkflow

/// What the judicial record holds about the holder (Law on Judicial Records, Art. 42–43).
///
/// Form 1 prints current convictions only and states bans only when ``statesBans``; form 2 prints every
/// conviction, expunged ones included, and always states bans. Which list a form prints is the template's choice
/// (`criminalRecord.currentConvictions` or `criminalRecord.allConvictions`).
public struct CriminalRecordFindings: Sendable, Hashable {
    public var form: CriminalRecordForm
    /// Form 1: whether the requester asked for bans to be stated. Form 2 templates ignore it.
    public var statesBans: Bool
    /// Every conviction on record, in judgment order, expunged ones included.
    public var convictions: [Conviction]
    /// Bans on holding posts or founding/managing enterprises and cooperatives.
    public var bans: [Ban]

    public init(form: CriminalRecordForm, statesBans: Bool = false, convictions: [Conviction] = [], bans: [Ban] = []) {
        self.form = form
        self.statesBans = statesBans
        self.convictions = convictions
        self.bans = bans
    }

    /// Convictions not expunged: what "có án tích" means.
    public var currentConvictions: [Conviction] { convictions.filter { !$0.expunged } }
}

/// One conviction: judgment, court, crime, articles, penalties and how far the sentence has been executed.
public struct Conviction: Sendable, Hashable {
    public var judgmentDate: CalendarDate
    public var judgmentNumber: String
    public var court: String
    public var crime: String
    /// Articles of the Criminal Code applied, e.g. "Điều 173 khoản 1".
    public var articles: String
    public var mainPenalty: String
    public var additionalPenalties: String
    /// E.g. "Đã chấp hành xong / Served".
    public var executionStatus: String
    public var expunged: Bool

    public init(
        judgmentDate: CalendarDate, judgmentNumber: String, court: String, crime: String, articles: String, mainPenalty: String,
        additionalPenalties: String = "", executionStatus: String, expunged: Bool = false
    ) {
        self.judgmentDate = judgmentDate
        self.judgmentNumber = judgmentNumber
        self.court = court
        self.crime = crime
        self.articles = articles
        self.mainPenalty = mainPenalty
        self.additionalPenalties = additionalPenalties
        self.executionStatus = executionStatus
        self.expunged = expunged
    }
}

/// A ban on holding posts or founding/managing enterprises or cooperatives imposed by a court.
public struct Ban: Sendable, Hashable {
    /// What is banned, e.g. "Cấm đảm nhiệm chức vụ kế toán".
    public var description: String
    /// The judgment that imposed it ("Bản án số 45/2019/HS-ST ngày 12/03/2019").
    public var judgment: String
    public var court: String
    /// How long, e.g. "03 năm / 3 years".
    public var duration: String

    public init(description: String, judgment: String, court: String, duration: String) {
        self.description = description
        self.judgment = judgment
        self.court = court
        self.duration = duration
    }
}
