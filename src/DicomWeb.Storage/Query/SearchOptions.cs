namespace DicomWeb.Storage.Query;

/// <summary>Search settings (the <c>DicomWeb:Qido</c> configuration section).</summary>
public sealed class SearchOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "DicomWeb:Qido";

    /// <summary>
    /// The most results one response holds (<c>DicomWeb:Qido:MaxResults</c>, default 1000). A larger or absent
    /// <c>limit</c> is cut to this, with a Warning header saying how many more results match.
    /// </summary>
    public int MaxResults { get; set; } = 1000;

    /// <summary>
    /// Match person names case- and accent-sensitively (<c>DicomWeb:Qido:CaseSensitivePersonNames</c>, default false:
    /// "doe^j*" finds "DOE^JOHN" and "Doé^Jean"). Fuzzy matching ignores case regardless.
    /// </summary>
    public bool CaseSensitivePersonNames { get; set; }

    /// <summary>Checks the options; throws naming the option that is wrong.</summary>
    public void Validate()
    {
        if (MaxResults < 1) throw new InvalidOperationException($"{Section}:MaxResults must be at least 1");
    }
}
