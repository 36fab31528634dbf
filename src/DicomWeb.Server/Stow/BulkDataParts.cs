namespace DicomWeb.Server.Stow;

/// <summary>One bulk data part of a STOW-RS metadata request, staged to a file.</summary>
/// <param name="PartNumber">Its position in the request (1-based).</param>
/// <param name="Location">The key metadata refers to it by: its Content-Location, else <c>cid:</c> and its Content-ID.</param>
/// <param name="MediaType">Its media type in lower case (application/octet-stream when it had none).</param>
/// <param name="TransferSyntaxUid">The <c>transfer-syntax</c> parameter of its Content-Type, if any.</param>
/// <param name="Path">The staged file.</param>
/// <param name="Length">Its length in bytes.</param>
internal sealed record BulkDataPart(int PartNumber, string Location, string MediaType, string? TransferSyntaxUid, string Path, long Length);

/// <summary>
/// The bulk data parts of a request, found by the BulkDataURI values that reference them. References are matched
/// exactly first; then, since clients and proxies disagree on hosts and bases, by path: an absolute URI matches a
/// rooted Content-Location with the same path (host ignored), and a relative reference matches a location ending
/// with it at a segment boundary (and the other way round). Several parts with one location are the frames of one
/// value, in the order they came.
/// </summary>
internal sealed class BulkDataParts
{
    private readonly List<BulkDataPart> _parts = [];

    /// <summary>Every staged part.</summary>
    public IReadOnlyList<BulkDataPart> All => _parts;

    /// <summary>Adds a staged part.</summary>
    public void Add(BulkDataPart part) => _parts.Add(part);

    /// <summary>
    /// The parts a BulkDataURI refers to (several when a value came as one part per frame), or null with a reason
    /// when none or several different ones match.
    /// </summary>
    public IReadOnlyList<BulkDataPart>? Find(string uri, out string? problem)
    {
        problem = null;
        var best = 0;
        var matches = new List<BulkDataPart>();
        foreach (var part in _parts)
        {
            var level = MatchLevel(uri, part.Location);
            if (level == 0 || level < best) continue;
            if (level > best)
            {
                best = level;
                matches.Clear();
            }
            matches.Add(part);
        }
        if (matches.Count == 0)
        {
            problem = $"BulkDataURI '{uri}' matches no part's Content-Location";
            return null;
        }
        if (matches.Select(p => p.Location).Distinct(StringComparer.Ordinal).Count() > 1)
        {
            problem = $"BulkDataURI '{uri}' matches several parts: {string.Join(", ", matches.Select(p => p.Location).Distinct())}";
            return null;
        }
        return matches;
    }

    /// <summary>3 for the same text, 2 for the same path, 1 when one is a relative tail of the other, 0 otherwise.</summary>
    internal static int MatchLevel(string reference, string location)
    {
        reference = reference.Trim();
        location = location.Trim();
        if (string.Equals(reference, location, StringComparison.Ordinal)) return 3;
        var (referenceRooted, referencePath) = PathOf(reference);
        var (locationRooted, locationPath) = PathOf(location);
        if (referencePath.Length == 0 || locationPath.Length == 0) return 0;
        if (referenceRooted == locationRooted) return string.Equals(referencePath, locationPath, StringComparison.Ordinal) ? 2 : 0;
        var (whole, tail) = referenceRooted ? (referencePath, locationPath) : (locationPath, referencePath);
        return whole.EndsWith("/" + tail, StringComparison.Ordinal) ? 1 : 0;
    }

    /// <summary>The path (and query) of a URI reference, unescaped, and whether it is rooted (absolute http(s) or starting with '/').</summary>
    private static (bool Rooted, string Path) PathOf(string uri)
    {
        // On Unix "/a/b" parses as an absolute file URI; a rooted path is a path here, whatever the platform.
        if (uri.StartsWith('/')) return (true, Unescape(uri));
        if (Uri.TryCreate(uri, UriKind.Absolute, out var absolute))
        {
            return absolute.Scheme is "http" or "https"
                ? (true, Unescape(absolute.AbsolutePath + absolute.Query))
                : (false, uri);
        }
        while (uri.StartsWith("./", StringComparison.Ordinal)) uri = uri[2..];
        return (false, Unescape(uri));
    }

    private static string Unescape(string text)
    {
        try
        {
            return Uri.UnescapeDataString(text);
        }
        catch (UriFormatException)
        {
            return text;
        }
    }
}
