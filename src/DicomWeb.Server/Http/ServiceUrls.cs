using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Primitives;

namespace DicomWeb.Server.Http;

/// <summary>Builds the absolute URLs clients follow (RetrieveURL, BulkDataURI) for the request at hand.</summary>
/// <remarks>
/// Behind a reverse proxy the request's own scheme and host are the proxy's view, not the client's. So, unless
/// <c>DicomWeb:PublicBaseUrl</c> fixes the base URL, and as long as <c>DicomWeb:TrustForwardedHeaders</c> is on (the
/// default), the base URL follows what the proxy says the client asked for: the first element of the RFC 7239
/// <c>Forwarded</c> header (<c>proto</c>, <c>host</c>), else <c>X-Forwarded-Proto</c>, <c>X-Forwarded-Host</c> and
/// <c>X-Forwarded-Port</c>; and <c>X-Forwarded-Prefix</c> for a path the proxy strips. Values that are not a plain
/// scheme, host[:port] or path are ignored.
/// </remarks>
public sealed partial class ServiceUrls(DicomWebOptions options)
{
    /// <summary>
    /// The base URL of the DICOMweb root for <paramref name="request"/>: the configured public base URL, else scheme,
    /// host and path base of the request as corrected by forwarded headers (see the remarks on <see cref="ServiceUrls"/>).
    /// </summary>
    public string BaseUrl(HttpRequest request)
    {
        if (options.PublicBaseUrl is { } configured) return configured.TrimEnd('/');
        var scheme = request.Scheme;
        var host = request.Host.Value ?? "localhost";
        var prefix = "";
        if (options.TrustForwardedHeaders)
        {
            var headers = request.Headers;
            var (forwardedProto, forwardedHost) = ParseForwarded(headers["Forwarded"]);
            var proto = forwardedProto ?? First(headers["X-Forwarded-Proto"]);
            if (proto != null && (proto.Equals("http", StringComparison.OrdinalIgnoreCase) || proto.Equals("https", StringComparison.OrdinalIgnoreCase)))
                scheme = proto.ToLowerInvariant();
            var hostValue = forwardedHost ?? First(headers["X-Forwarded-Host"]);
            if (hostValue != null && HostPattern().IsMatch(hostValue))
            {
                host = hostValue;
                if (forwardedHost == null && !HasPort(host) && First(headers["X-Forwarded-Port"]) is { } port &&
                    int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is > 0 and < 65536 &&
                    !(number == 80 && scheme == "http") && !(number == 443 && scheme == "https"))
                    host = $"{host}:{number}";
            }
            if (First(headers["X-Forwarded-Prefix"]) is { } forwardedPrefix && PrefixPattern().IsMatch(forwardedPrefix))
                prefix = forwardedPrefix.TrimEnd('/');
        }
        return $"{scheme}://{host}{prefix}{request.PathBase}{options.RootPath}";
    }

    /// <summary>URL of a study.</summary>
    public string Study(HttpRequest request, string study) => $"{BaseUrl(request)}/studies/{study}";

    /// <summary>URL of a series.</summary>
    public string Series(HttpRequest request, string study, string series) => $"{Study(request, study)}/series/{series}";

    /// <summary>URL of an instance.</summary>
    public string Instance(HttpRequest request, string study, string series, string sop) => $"{Series(request, study, series)}/instances/{sop}";

    /// <summary>
    /// The <c>proto</c> and <c>host</c> of the first forwarded element (the one the proxy nearest the client added):
    /// elements are comma-separated, pairs within them semicolon-separated, values plain or quoted.
    /// </summary>
    internal static (string? Proto, string? Host) ParseForwarded(StringValues values)
    {
        var first = First(values, splitOnComma: false);
        if (first == null) return (null, null);
        string? proto = null, host = null;
        foreach (var pair in FirstElement(first).Split(';'))
        {
            var equals = pair.IndexOf('=');
            if (equals <= 0) continue;
            var name = pair[..equals].Trim();
            var value = Unquote(pair[(equals + 1)..].Trim());
            if (name.Equals("proto", StringComparison.OrdinalIgnoreCase)) proto ??= value;
            else if (name.Equals("host", StringComparison.OrdinalIgnoreCase)) host ??= value;
        }
        return (proto, host);
    }

    private static string FirstElement(string header)
    {
        // A comma inside a quoted value does not end the element.
        var quoted = false;
        for (var i = 0; i < header.Length; i++)
        {
            if (header[i] == '"') quoted = !quoted;
            else if (header[i] == '\\' && quoted) i++;
            else if (header[i] == ',' && !quoted) return header[..i];
        }
        return header;
    }

    private static string Unquote(string value)
    {
        if (value.Length < 2 || value[0] != '"' || value[^1] != '"') return value;
        var inner = value[1..^1];
        return inner.Contains('\\') ? BackslashEscape().Replace(inner, "$1") : inner;
    }

    private static string? First(StringValues values, bool splitOnComma = true)
    {
        foreach (var value in values)
        {
            if (string.IsNullOrWhiteSpace(value)) continue;
            var text = value.Trim();
            if (splitOnComma)
            {
                var comma = text.IndexOf(',');
                if (comma >= 0) text = text[..comma].Trim();
            }
            return text.Length > 0 ? text : null;
        }
        return null;
    }

    private static bool HasPort(string host) => host.StartsWith('[') ? host.Contains("]:", StringComparison.Ordinal) : host.Contains(':');

    /// <summary>A DNS name or IPv4 address, or a bracketed IPv6 address, with an optional port.</summary>
    [GeneratedRegex(@"^(?:[A-Za-z0-9](?:[A-Za-z0-9\-.]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$")]
    private static partial Regex HostPattern();

    /// <summary>An absolute path of plain segments.</summary>
    [GeneratedRegex(@"^(?:/[A-Za-z0-9\-._~!$&'()*+,;=:@%]+)+/?$")]
    private static partial Regex PrefixPattern();

    [GeneratedRegex(@"\\(.)")]
    private static partial Regex BackslashEscape();
}
