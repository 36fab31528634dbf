using DicomWeb.Dicom;
using DicomWeb.Multipart;

namespace DicomWeb.Server.Http;

/// <summary>Writes a data set as DICOM JSON or XML with a status code, streaming straight to the response.</summary>
public sealed class DatasetResult(int statusCode, DicomDataset dataset, string mediaType) : IResult
{
    /// <summary>The status code.</summary>
    public int StatusCode => statusCode;

    /// <summary>The data set.</summary>
    public DicomDataset Dataset => dataset;

    /// <summary>
    /// Picks JSON or XML from an Accept header: DICOM JSON for no header, <c>*/*</c>, <c>application/*</c>,
    /// <c>application/json</c> or <c>application/dicom+json</c>; XML for <c>application/dicom+xml</c>; null when neither is acceptable.
    /// Higher q-values win; JSON wins ties.
    /// </summary>
    public static string? Negotiate(string? accept)
    {
        if (string.IsNullOrWhiteSpace(accept)) return DicomMediaTypes.DicomJson;
        string? best = null;
        var bestQuality = 0.0;
        foreach (var value in MediaTypeHeader.ParseList(accept))
        {
            var candidate = value.MediaType switch
            {
                DicomMediaTypes.DicomJson or "application/json" or "*/*" or "application/*" => DicomMediaTypes.DicomJson,
                DicomMediaTypes.DicomXml => DicomMediaTypes.DicomXml,
                "multipart/related" when string.Equals(value.GetParameter("type"), DicomMediaTypes.DicomXml, StringComparison.OrdinalIgnoreCase) => DicomMediaTypes.DicomXml,
                _ => null,
            };
            if (candidate == null || value.Quality <= 0) continue;
            if (value.Quality > bestQuality || (value.Quality == bestQuality && candidate == DicomMediaTypes.DicomJson))
            {
                best = candidate;
                bestQuality = value.Quality;
            }
        }
        return best;
    }

    /// <inheritdoc />
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = statusCode;
        response.ContentType = mediaType;
        if (mediaType == DicomMediaTypes.DicomXml)
            await DicomXmlWriter.WriteAsync(response.Body, dataset, null, httpContext.RequestAborted);
        else
            await DicomJsonWriter.WriteAsync(response.Body, dataset, null, httpContext.RequestAborted);
    }
}
