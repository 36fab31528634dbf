using System.Text.Json;
using DicomWeb.Dicom;
using DicomWeb.Multipart;
using DicomWeb.Server.Http;
using DicomWeb.Storage.Query;

namespace DicomWeb.Server.Qido;

/// <summary>The two response formats of QIDO-RS (PS3.18 §10.6.3).</summary>
public enum QidoFormat
{
    /// <summary>One DICOM JSON array holding every result.</summary>
    Json,
    /// <summary><c>multipart/related; type="application/dicom+xml"</c>: one Native DICOM Model part per result.</summary>
    MultipartXml,
}

/// <summary>
/// Streams search results to the response as they come from the index: JSON written result by result and flushed in
/// blocks, or one XML part per result. When the server's maximum cut the results, a Warning header says how many more match.
/// </summary>
public sealed class QidoResult(SearchResult result, QidoFormat format, string service) : IResult
{
    private const int FlushThreshold = 32 * 1024;

    /// <summary>The search outcome being written.</summary>
    public SearchResult Result => result;

    /// <summary>
    /// Picks the format from an Accept header: JSON for none, <c>application/dicom+json</c>, <c>application/json</c>,
    /// <c>application/*</c> and <c>*/*</c>; XML for <c>multipart/related</c> with <c>type="application/dicom+xml"</c> (or no type);
    /// null when neither is acceptable. Higher q-values win; JSON wins ties.
    /// </summary>
    public static QidoFormat? Negotiate(string? accept)
    {
        if (string.IsNullOrWhiteSpace(accept)) return QidoFormat.Json;
        QidoFormat? best = null;
        var bestQuality = 0.0;
        foreach (var value in MediaTypeHeader.ParseList(accept))
        {
            QidoFormat? candidate = value.MediaType switch
            {
                DicomMediaTypes.DicomJson or "application/json" or "application/*" or "*/*" => QidoFormat.Json,
                "multipart/related" when value.GetParameter("type") is not { } type || type.Equals(DicomMediaTypes.DicomXml, StringComparison.OrdinalIgnoreCase)
                    => QidoFormat.MultipartXml,
                _ => null,
            };
            if (candidate == null || value.Quality <= 0) continue;
            if (value.Quality > bestQuality || (value.Quality == bestQuality && candidate == QidoFormat.Json))
            {
                best = candidate;
                bestQuality = value.Quality;
            }
        }
        return best;
    }

    /// <summary>The Warning header for results the server's maximum left out.</summary>
    public static string Warning(string service, int additional) =>
        $"299 {service}: \"There are {additional} additional results that match the query.\"";

    /// <inheritdoc />
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        var cancellationToken = httpContext.RequestAborted;
        response.StatusCode = StatusCodes.Status200OK;
        if (result.AdditionalResults is { } additional) response.Headers.Append("Warning", Warning(service, additional));
        if (format == QidoFormat.Json) await WriteJsonAsync(response, cancellationToken);
        else await WriteXmlAsync(response, cancellationToken);
    }

    private async Task WriteJsonAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        response.ContentType = DicomMediaTypes.DicomJson;
        await using var writer = new Utf8JsonWriter(response.Body, DicomJsonWriter.CreateWriterOptions());
        writer.WriteStartArray();
        await foreach (var dataset in result.Results.WithCancellation(cancellationToken))
        {
            DicomJsonWriter.Write(writer, dataset);
            if (writer.BytesPending >= FlushThreshold) await writer.FlushAsync(cancellationToken);
        }
        writer.WriteEndArray();
        await writer.FlushAsync(cancellationToken);
    }

    private async Task WriteXmlAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        var multipart = new MultipartRelatedWriter(response.BodyWriter);
        response.ContentType = multipart.ContentType(DicomMediaTypes.DicomXml);
        await using (multipart)
        {
            using var part = new MemoryStream();
            await foreach (var dataset in result.Results.WithCancellation(cancellationToken))
            {
                part.SetLength(0);
                DicomXmlWriter.Write(part, dataset);
                await multipart.WritePartAsync(DicomMediaTypes.DicomXml, part.GetBuffer().AsMemory(0, (int)part.Length), ct: cancellationToken);
            }
            await multipart.CompleteAsync(cancellationToken);
        }
    }
}
