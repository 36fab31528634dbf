namespace DicomWeb.Server.Http;

/// <summary>Builds the absolute URLs clients follow (RetrieveURL, BulkDataURI) for the request at hand.</summary>
public sealed class ServiceUrls(DicomWebOptions options)
{
    /// <summary>
    /// The base URL of the DICOMweb root for <paramref name="request"/>: the configured public base URL, else
    /// scheme, host and path base of the request (forwarded headers are applied by middleware before this).
    /// </summary>
    public string BaseUrl(HttpRequest request)
    {
        if (options.PublicBaseUrl is { } configured) return configured.TrimEnd('/');
        return $"{request.Scheme}://{request.Host}{request.PathBase}{options.RootPath}";
    }

    /// <summary>URL of a study.</summary>
    public string Study(HttpRequest request, string study) => $"{BaseUrl(request)}/studies/{study}";

    /// <summary>URL of a series.</summary>
    public string Series(HttpRequest request, string study, string series) => $"{Study(request, study)}/series/{series}";

    /// <summary>URL of an instance.</summary>
    public string Instance(HttpRequest request, string study, string series, string sop) => $"{Series(request, study, series)}/instances/{sop}";
}
