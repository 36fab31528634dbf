using System.Text.Json;
using DicomWeb.Dicom;
using DicomWeb.Multipart;

namespace DicomWeb.Server.Http;

/// <summary>Writes a data set as DICOM JSON or XML with a status code and its Content-Length.</summary>
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
    /// <remarks>
    /// The data set is already in memory and small (a STOW response), so it is serialized first and sent with a
    /// Content-Length: one write instead of a chunked body and its terminating chunk.
    /// </remarks>
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = statusCode;
        response.ContentType = mediaType;
        using var body = new MemoryStream();
        if (mediaType == DicomMediaTypes.DicomXml)
            DicomXmlWriter.Write(body, dataset);
        else
            using (var writer = new Utf8JsonWriter(body, DicomJsonWriter.CreateWriterOptions()))
                DicomJsonWriter.Write(writer, dataset);
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body.GetBuffer().AsMemory(0, (int)body.Length), httpContext.RequestAborted);
    }
}
