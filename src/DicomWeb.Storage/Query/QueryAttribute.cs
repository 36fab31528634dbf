using System.Linq.Expressions;
using DicomWeb.Dicom;

namespace DicomWeb.Storage.Query;

/// <summary>The level a QIDO-RS search returns: one result per study, series or instance.</summary>
public enum QueryLevel
{
    /// <summary>Search for studies.</summary>
    Study,
    /// <summary>Search for series.</summary>
    Series,
    /// <summary>Search for instances.</summary>
    Instance,
}

/// <summary>The index table an attribute lives in, from the top of the hierarchy down.</summary>
public enum IndexEntity
{
    /// <summary>Patients.</summary>
    Patient,
    /// <summary>Studies.</summary>
    Study,
    /// <summary>Series.</summary>
    Series,
    /// <summary>Instances.</summary>
    Instance,
}

/// <summary>How an attribute's query value is interpreted and matched.</summary>
public enum MatchType
{
    /// <summary>Free text (SH, LO, AS…): single value and wildcard matching, case-sensitive.</summary>
    Text,
    /// <summary>Code string (CS): single value, wildcard and list matching.</summary>
    Code,
    /// <summary>UID: single value and list matching; values must be valid UIDs.</summary>
    Uid,
    /// <summary>Person name: single value, wildcard and fuzzy matching, case-insensitive unless configured otherwise.</summary>
    PersonName,
    /// <summary>DA: single date and range matching, combined with the paired TM attribute when both are given.</summary>
    Date,
    /// <summary>TM: single time and range matching.</summary>
    Time,
    /// <summary>Integer (IS, US): single value and list matching.</summary>
    Integer,
    /// <summary>Modalities in Study: matches when a series of the study has one of the modalities.</summary>
    ModalitiesInStudy,
    /// <summary>SOP Classes in Study: matches when an instance of the study has one of the SOP classes.</summary>
    SopClassesInStudy,
    /// <summary>Returned but not matchable (computed counts, Retrieve URL…).</summary>
    None,
}

/// <summary>
/// An attribute the index knows: where its column is, how it matches and how its value is read back from a
/// <see cref="SearchRow"/>. Attributes of sequences (e.g. Request Attributes Sequence &gt; Requested Procedure ID)
/// have a path of several tags.
/// </summary>
public sealed class QueryAttribute
{
    internal QueryAttribute(IReadOnlyList<DicomTag> path, DicomVR vr, IndexEntity entity, MatchType match,
        LambdaExpression? column, LambdaExpression? foldedColumn, Func<SearchRow, object?>? value)
    {
        Path = path;
        VR = vr;
        Entity = entity;
        Match = match;
        Column = column;
        FoldedColumn = foldedColumn;
        Value = value;
        Name = string.Join('.', path.Select(t => DicomDictionary.GetKeyword(t) ?? t.ToHexString()));
    }

    /// <summary>The tag path: one tag, or a sequence tag followed by the tag inside its items.</summary>
    public IReadOnlyList<DicomTag> Path { get; }

    /// <summary>The attribute's tag (the last of the path).</summary>
    public DicomTag Tag => Path[^1];

    /// <summary>Keyword path, e.g. "PatientName" or "RequestAttributesSequence.RequestedProcedureID".</summary>
    public string Name { get; }

    /// <summary>The value representation.</summary>
    public DicomVR VR { get; }

    /// <summary>The table holding it.</summary>
    public IndexEntity Entity { get; }

    /// <summary>How query values are matched.</summary>
    public MatchType Match { get; }

    /// <summary>True when the attribute can be used as a matching key.</summary>
    public bool IsMatchable => Match != MatchType.None;

    /// <summary>The column as a lambda over the entity record (e.g. <c>(StudyRecord s) =&gt; s.StudyDate</c>); null for computed attributes.</summary>
    internal LambdaExpression? Column { get; }

    /// <summary>For person names, the folded (upper-case, accent-free) column.</summary>
    internal LambdaExpression? FoldedColumn { get; }

    /// <summary>Reads the value back from a result row: a string, an int, a list of strings, or null.</summary>
    internal Func<SearchRow, object?>? Value { get; }

    /// <inheritdoc />
    public override string ToString() => Name;
}
