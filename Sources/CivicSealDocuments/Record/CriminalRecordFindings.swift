import CivicSealWorkflow

/// What the judicial record holds about the holder (Law on Judicial Records, Art. 42–43).
///
/// Form 1 prints current convictions only and states bans only when ``statesBans``; form 2 prints every
/// conviction, expunged ones included, and always states bans. Which list a form prints is the template's choice
/// (`criminalRecord.currentConvictions` or `criminalRecord.allConvictions`).
package struct CriminalRecordFindings: Sendable, Hashable {
    package var form: CriminalRecordForm
    /// Form 1: whether the requester asked for bans to be stated. Form 2 templates ignore it.
    package var statesBans: Bool
    /// Every conviction on record, in judgment order, expunged ones included.
    package var convictions: [Conviction]
    /// Bans on holding posts or founding/managing enterprises and cooperatives.
    package var bans: [Ban]

    package init(form: CriminalRecordForm, statesBans: Bool = false, convictions: [Conviction] = [], bans: [Ban] = []) {
        self.form = form
        self.statesBans = statesBans
        self.convictions = convictions
        self.bans = bans
    }

    /// Convictions not expunged: what "có án tích" means.
    package var currentConvictions: [Conviction] { convictions.filter { !$0.expunged } }
}

/// One conviction: judgment, court, crime, articles, penalties and how far the sentence has been executed.
package struct Conviction: Sendable, Hashable {
    package var judgmentDate: CalendarDate
    package var judgmentNumber: String
    package var court: String
    package var crime: String
    /// Articles of the Criminal Code applied, e.g. "Điều 173 khoản 1".
    package var articles: String
    package var mainPenalty: String
    package var additionalPenalties: String
    /// E.g. "Đã chấp hành xong / Served".
    package var executionStatus: String
    package var expunged: Bool

    package init(
        judgmentDate: CalendarDate, judgmentNumber: String, court: String, crime: String, articles: String,
        mainPenalty: String,
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
package struct Ban: Sendable, Hashable {
    /// What is banned, e.g. "Cấm đảm nhiệm chức vụ kế toán".
    package var description: String
    /// The judgment that imposed it ("Bản án số 45/2019/HS-ST ngày 12/03/2019").
    package var judgment: String
    package var court: String
    /// How long, e.g. "03 năm / 3 years".
    package var duration: String

    package init(description: String, judgment: String, court: String, duration: String) {
        self.description = description
        self.judgment = judgment
        self.court = court
        self.duration = duration
    }
}
