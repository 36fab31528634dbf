using DicomWeb.Multipart;

namespace DicomWeb.Server.Wado;

/// <summary>One acceptable media type of a request, with the parameters WADO-RS negotiates on.</summary>
/// <param name="MediaType">The media type in lower case (e.g. <c>multipart/related</c>, <c>application/dicom</c>, <c>*/*</c>).</param>
/// <param name="Type">For <c>multipart/related</c>: the <c>type</c> parameter in lower case, or null when absent.</param>
/// <param name="TransferSyntax">The <c>transfer-syntax</c> parameter (<c>*</c> = as stored), or null when absent.</param>
/// <param name="Quality">The q-value.</param>
internal sealed record AcceptedType(string MediaType, string? Type, string? TransferSyntax, double Quality)
{
    /// <summary>True for <c>multipart/related</c> (whatever its type).</summary>
    public bool IsMultipart => MediaType == "multipart/related";

    /// <summary>
    /// The media type of the parts (multipart) or of the body (single part); <c>*/*</c> for <c>*/*</c>, <c>multipart/*</c>
    /// and <c>multipart/related</c> without a type, which leave the choice to the server.
    /// </summary>
    public string PartType => IsMultipart ? Type ?? "*/*" : MediaType == "multipart/*" ? "*/*" : MediaType;

    /// <summary>True when the client leaves the media type to the server.</summary>
    public bool IsWildcard => PartType is "*/*";

    /// <summary>True when the entry lets the single-part form through (a media type that is not multipart, or a wildcard).</summary>
    public bool AllowsSinglePart => !IsMultipart && MediaType != "multipart/*";
}

/// <summary>
/// The Accept header (or the <c>accept</c> query parameter, which PS3.18 §8.3.3.1 lets override it) as a list ordered by
/// preference: higher q first, header order among equals; q=0 entries dropped. No header means <c>*/*</c>.
/// </summary>
internal static class AcceptList
{
    /// <summary>Parses the acceptable media types of <paramref name="request"/>.</summary>
    public static IReadOnlyList<AcceptedType> From(HttpRequest request)
    {
        var header = QueryAccept(request) ?? (string?)request.Headers.Accept;
        return Parse(header);
    }

    /// <summary>Parses an Accept value.</summary>
    public static IReadOnlyList<AcceptedType> Parse(string? header)
    {
        if (string.IsNullOrWhiteSpace(header)) return [new AcceptedType("*/*", null, null, 1)];
        var list = new List<AcceptedType>();
        foreach (var value in MediaTypeHeader.ParseList(header))
        {
            if (value.Quality <= 0) continue;
            var type = value.GetParameter("type")?.Trim().ToLowerInvariant();
            var syntax = value.GetParameter("transfer-syntax")?.Trim();
            list.Add(new AcceptedType(value.MediaType, string.IsNullOrEmpty(type) ? null : type, string.IsNullOrEmpty(syntax) ? null : syntax, value.Quality));
        }
        // OrderByDescending is stable: equal q-values keep header order.
        return list.OrderByDescending(a => a.Quality).ToList();
    }

    /// <summary>
    /// The <c>accept</c> query parameter, read from the raw query string: the usual decoding turns the '+' of
    /// <c>application/dicom+json</c> into a space.
    /// </summary>
    private static string? QueryAccept(HttpRequest request)
    {
        var query = request.QueryString.Value;
        if (string.IsNullOrEmpty(query)) return null;
        string? result = null;
        foreach (var pair in query.TrimStart('?').Split('&'))
        {
            var equals = pair.IndexOf('=');
            if (equals <= 0 || !pair.AsSpan(0, equals).Equals("accept", StringComparison.Ordinal)) continue;
            var value = Uri.UnescapeDataString(pair[(equals + 1)..]);
            result = result == null ? value : result + "," + value;
        }
        return result;
    }
}
