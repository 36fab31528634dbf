namespace DicomWeb.Server;

/// <summary>The <c>DicomWeb</c> configuration section: where the services live and how requests are bounded.</summary>
public sealed class DicomWebOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "DicomWeb";

    /// <summary>The root path of the DICOMweb services. <c>DicomWeb:RootPath</c>, default <c>/dicom-web</c>.</summary>
    public string RootPath { get; set; } = "/dicom-web";

    /// <summary>Also serve the prefixed aliases some clients use: <c>/stowrs</c>, <c>/qidors</c>, <c>/wadors</c>. <c>DicomWeb:EnableAliases</c>.</summary>
    public bool EnableAliases { get; set; } = true;

    /// <summary>
    /// The public base URL clients reach the root through (e.g. <c>https://pacs.example.org/dicom-web</c>), used in RetrieveURL
    /// and BulkDataURI. When unset, it is built from the request. <c>DicomWeb:PublicBaseUrl</c>.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>
    /// Build RetrieveURL and BulkDataURI from the <c>Forwarded</c> / <c>X-Forwarded-Proto</c>, <c>-Host</c>, <c>-Port</c> and
    /// <c>-Prefix</c> headers a reverse proxy sends (default true), so the URLs are right behind any proxy without listing it.
    /// The headers are believed from any client: a client can then only make the URLs in its own responses point
    /// elsewhere, but a shared cache in front of the server could pass such a response on. When clients reach the
    /// server directly, or to rule this out, set <c>PublicBaseUrl</c> (which always wins) or turn this off.
    /// <c>DicomWeb:TrustForwardedHeaders</c>.
    /// </summary>
    public bool TrustForwardedHeaders { get; set; } = true;

    /// <summary>The largest request body accepted, in bytes; larger ones get 413. Null for no limit. <c>DicomWeb:MaxRequestBodySize</c>.</summary>
    public long? MaxRequestBodySize { get; set; } = 32L * 1024 * 1024 * 1024;

    /// <summary>Checks the options; throws naming the option that is wrong.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(RootPath) || !RootPath.StartsWith('/') || RootPath.Length > 1 && RootPath.EndsWith('/'))
            throw new InvalidOperationException($"DicomWeb:RootPath '{RootPath}' must start with '/' and not end with '/'");
        if (PublicBaseUrl != null && !Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out _))
            throw new InvalidOperationException($"DicomWeb:PublicBaseUrl '{PublicBaseUrl}' is not an absolute URL");
        if (MaxRequestBodySize is <= 0)
            throw new InvalidOperationException($"DicomWeb:MaxRequestBodySize must be positive (or empty for no limit)");
    }
}
