using DicomWeb.Dicom;

namespace DicomWeb.Storage.Query;

/// <summary>A parsed QIDO-RS search: what to match, what to return, and which page.</summary>
public sealed class SearchQuery
{
    /// <summary>One result per study, series or instance.</summary>
    public required QueryLevel Level { get; init; }

    /// <summary>The study in the resource path (<c>studies/{study}/series</c>), or null.</summary>
    public string? StudyInstanceUid { get; init; }

    /// <summary>The series in the resource path (<c>studies/{study}/series/{series}/instances</c>), or null.</summary>
    public string? SeriesInstanceUid { get; init; }

    /// <summary>The matching keys, all of which must match (AND).</summary>
    public IReadOnlyList<QueryCondition> Conditions { get; init; } = [];

    /// <summary><c>includefield=all</c>: every attribute of the level, from the stored metadata where the index lacks it.</summary>
    public bool IncludeAll { get; init; }

    /// <summary>Attributes asked for by <c>includefield</c> or given as matching keys (tag paths; the first tag is what is returned).</summary>
    public IReadOnlyList<DicomTag> IncludeFields { get; init; } = [];

    /// <summary><c>fuzzymatching=true</c>: person names match word by word (see <see cref="FuzzyNameMatch"/>).</summary>
    public bool FuzzyMatching { get; init; }

    /// <summary>Results to return at most; never above the configured maximum.</summary>
    public required int Limit { get; init; }

    /// <summary>True when the limit is the server's maximum rather than the client's own (smaller) limit: if more results match, say so.</summary>
    public bool LimitedByServer { get; init; }

    /// <summary>Results to skip.</summary>
    public int Offset { get; init; }
}

/// <summary>One matching key: an attribute and how its value matches.</summary>
public sealed record QueryCondition(QueryAttribute Attribute, Matcher Matcher);

/// <summary>How a matching key's value matches (PS3.4 §C.2.2.2).</summary>
public abstract record Matcher;

/// <summary>Empty value: everything matches; the attribute is returned (§C.2.2.2.3).</summary>
public sealed record UniversalMatch : Matcher;

/// <summary>The value must equal this one (§C.2.2.2.1).</summary>
public sealed record SingleValueMatch(string Value) : Matcher;

/// <summary>The value must match a pattern in which <c>*</c> is any run of characters and <c>?</c> one character (§C.2.2.2.4).</summary>
public sealed record WildcardMatch(string Pattern) : Matcher;

/// <summary>The value must equal one of these (UID and code lists, §C.2.2.2.2).</summary>
public sealed record ListMatch(IReadOnlyList<string> Values) : Matcher;

/// <summary>The integer value must equal one of these.</summary>
public sealed record IntegerMatch(IReadOnlyList<int> Values) : Matcher;

/// <summary>A DA value within this range (§C.2.2.2.5).</summary>
public sealed record DateRangeMatch(DicomDateRange Range) : Matcher;

/// <summary>A TM value whose span overlaps this range (§C.2.2.2.5).</summary>
public sealed record TimeRangeMatch(DicomTimeRange Range) : Matcher;

/// <summary>
/// A date and its paired time given together (e.g. Study Date and Study Time): the instant they form must lie in the
/// combined range (§C.2.2.2.5.1). A record without a time counts as the whole day.
/// </summary>
public sealed record DateTimeRangeMatch(QueryAttribute TimeAttribute, DicomDateRange Dates, DicomDateTimeRange Range) : Matcher;

/// <summary>
/// Fuzzy person name matching: every word of the query must begin a word of the name, in any order, ignoring case and
/// accents. Words are separated by spaces and the PN delimiters <c>^ = -</c>; <c>*</c> and <c>?</c> keep their meaning within a word.
/// </summary>
public sealed record FuzzyNameMatch(IReadOnlyList<string> Words) : Matcher;
