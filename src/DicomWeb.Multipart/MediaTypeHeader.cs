using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace DicomWeb.Multipart;

/// <summary>A media type with its parameters, as parsed from a Content-Type or one element of an Accept header.</summary>
public sealed class MediaTypeValue
{
    internal MediaTypeValue(string mediaType, IReadOnlyDictionary<string, string> parameters)
    {
        MediaType = mediaType;
        Parameters = parameters;
    }

    /// <summary>The media type in lower case, e.g. <c>multipart/related</c> or <c>*/*</c>.</summary>
    public string MediaType { get; }

    /// <summary>The parameters, unquoted; names are case-insensitive. The first of repeated names wins.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; }

    /// <summary>The <c>q</c> parameter (0 to 1), 1 when absent or unreadable.</summary>
    public double Quality =>
        Parameters.TryGetValue("q", out string? q)
        && double.TryParse(q, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value)
        && value is >= 0 and <= 1
            ? value
            : 1;

    /// <summary>The value of a parameter, or <see langword="null"/>.</summary>
    /// <param name="name">The parameter name, in any case.</param>
    /// <returns>The unquoted value, or <see langword="null"/>.</returns>
    public string? GetParameter(string name) => Parameters.TryGetValue(name, out string? value) ? value : null;

    /// <inheritdoc />
    public override string ToString()
    {
        var sb = new StringBuilder(MediaType);
        foreach (KeyValuePair<string, string> p in Parameters)
        {
            sb.Append("; ").Append(p.Key).Append("=\"").Append(p.Value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)).Append('"');
        }

        return sb.ToString();
    }
}

/// <summary>
/// Tolerant parsing of Content-Type and Accept header values: any case, spaces around separators,
/// quoted or unquoted parameter values (unquoted ones may hold '/', '=' and other characters real clients send),
/// empty parameters and extra parameters.
/// </summary>
public static class MediaTypeHeader
{
    /// <summary>Parses one media type with its parameters, e.g. a Content-Type value.</summary>
    /// <param name="value">The header value.</param>
    /// <param name="result">The media type, when the value holds one of the form <c>type/subtype</c>.</param>
    /// <returns>Whether a media type was found.</returns>
    public static bool TryParse(string? value, [NotNullWhen(true)] out MediaTypeValue? result)
    {
        result = null;
        if (value is null)
        {
            return false;
        }

        int pos = 0;
        result = ParseOne(value, ref pos, list: false);
        return result is not null;
    }

    /// <summary>
    /// Parses a comma-separated list of media types, e.g. an Accept header; commas inside quoted
    /// parameter values do not split. Elements without a valid media type are skipped.
    /// </summary>
    /// <param name="value">The header value (several Accept headers may be joined with commas).</param>
    /// <returns>The media types in header order.</returns>
    public static IReadOnlyList<MediaTypeValue> ParseList(string? value)
    {
        var list = new List<MediaTypeValue>();
        if (value is null)
        {
            return list;
        }

        int pos = 0;
        while (pos < value.Length)
        {
            MediaTypeValue? item = ParseOne(value, ref pos, list: true);
            if (item is not null)
            {
                list.Add(item);
            }

            pos++; // past the comma
        }

        return list;
    }

    /// <summary>
    /// Parses a <c>multipart/related</c> Content-Type, e.g. <c>multipart/related; type="application/dicom"; boundary=abc</c>.
    /// </summary>
    /// <param name="contentType">The Content-Type header value.</param>
    /// <param name="boundary">The boundary parameter, unquoted.</param>
    /// <param name="type">The <c>type</c> parameter, unquoted, or <see langword="null"/>.</param>
    /// <param name="transferSyntax">The <c>transfer-syntax</c> parameter, or <see langword="null"/>.</param>
    /// <returns>Whether the value is multipart/related with a non-empty boundary.</returns>
    public static bool TryParseMultipartRelated(string? contentType, out string boundary, out string? type, out string? transferSyntax)
    {
        boundary = string.Empty;
        type = null;
        transferSyntax = null;
        if (!TryParse(contentType, out MediaTypeValue? value) || value.MediaType != "multipart/related")
        {
            return false;
        }

        type = value.GetParameter("type");
        transferSyntax = value.GetParameter("transfer-syntax");
        string? b = value.GetParameter("boundary");
        if (string.IsNullOrEmpty(b))
        {
            return false;
        }

        boundary = b;
        return true;
    }

    private static MediaTypeValue? ParseOne(string s, ref int pos, bool list)
    {
        int start = pos;
        while (pos < s.Length && s[pos] != ';' && !(list && s[pos] == ','))
        {
            pos++;
        }

        string mediaType = s[start..pos].Trim().ToLowerInvariant();
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (pos < s.Length && s[pos] == ';')
        {
            pos++;
            ParseParameter(s, ref pos, list, parameters);
        }

        int slash = mediaType.IndexOf('/');
        if (slash <= 0 || slash == mediaType.Length - 1 || mediaType.AsSpan().ContainsAny(" \t\"=@"))
        {
            return null;
        }

        return new MediaTypeValue(mediaType, parameters);
    }

    private static void ParseParameter(string s, ref int pos, bool list, Dictionary<string, string> parameters)
    {
        int nameStart = pos;
        while (pos < s.Length && s[pos] is not ('=' or ';') && !(list && s[pos] == ','))
        {
            pos++;
        }

        string name = s[nameStart..pos].Trim();
        if (pos >= s.Length || s[pos] != '=')
        {
            return; // empty parameter ("; ;") or a name without a value: ignored
        }

        pos++; // '='
        while (pos < s.Length && s[pos] is ' ' or '\t')
        {
            pos++;
        }

        string value;
        if (pos < s.Length && s[pos] == '"')
        {
            pos++;
            var sb = new StringBuilder();
            while (pos < s.Length && s[pos] != '"')
            {
                if (s[pos] == '\\' && pos + 1 < s.Length)
                {
                    pos++;
                }

                sb.Append(s[pos]);
                pos++;
            }

            pos++; // closing quote (or past the end when unterminated)
            value = sb.ToString();

            // Skip anything up to the next separator.
            while (pos < s.Length && s[pos] != ';' && !(list && s[pos] == ','))
            {
                pos++;
            }
        }
        else
        {
            int valueStart = pos;
            while (pos < s.Length && s[pos] != ';' && !(list && s[pos] == ','))
            {
                pos++;
            }

            value = s[valueStart..pos].Trim();
        }

        if (name.Length > 0)
        {
            parameters.TryAdd(name, value);
        }
    }
}
