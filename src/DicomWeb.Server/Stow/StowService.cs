using System.IO.Compression;
using DicomWeb.Multipart;
using DicomWeb.Storage.Ingest;
using Microsoft.AspNetCore.Http.Features;

namespace DicomWeb.Server.Stow;

/// <summary>The outcome of a STOW-RS request: an HTTP status, and either a response module or a reason.</summary>
/// <param name="StatusCode">200 all stored, 202 some failed, 409 none stored, or a 4xx/5xx for the request as a whole.</param>
/// <param name="Response">The Store Instances Response Module, when parts were processed.</param>
/// <param name="Reason">Why the request as a whole failed, for the error body.</param>
public sealed record StowResult(int StatusCode, Dicom.DicomDataset? Response, string? Reason);

/// <summary>
/// STOW-RS (PS3.18 §10.5): reads a multipart/related body part by part and stores each instance as it
/// arrives, never holding a part in memory. Bodies of type application/dicom carry Part 10 instances; bodies of type
/// application/dicom+json or application/dicom+xml carry metadata plus bulk data parts, which
/// <see cref="MetadataStowRequest"/> stages and assembles into instances.
/// </summary>
public sealed class StowService(InstanceStore store, StagingArea staging, ILogger<StowService> logger)
{
    private const string DicomMediaType = "application/dicom";
    private const string JsonMediaType = "application/dicom+json";
    private const string XmlMediaType = "application/dicom+xml";

    /// <summary>Stores the instances of a request body.</summary>
    /// <param name="contentType">The request's Content-Type.</param>
    /// <param name="contentEncoding">The request's Content-Encoding (gzip and deflate are inflated).</param>
    /// <param name="body">The request body.</param>
    /// <param name="studyUid">The study in the URL, when the request is <c>POST studies/{study}</c>.</param>
    /// <param name="response">Builds the response module.</param>
    /// <param name="cancellationToken">The request's abort token.</param>
    public async Task<StowResult> StoreAsync(string? contentType, string? contentEncoding, Stream body, string? studyUid,
        StoreResponseBuilder response, CancellationToken cancellationToken)
    {
        if (studyUid != null && !Dicom.DicomUid.IsValid(studyUid))
            return new StowResult(StatusCodes.Status400BadRequest, null, $"'{studyUid}' in the URL is not a valid Study Instance UID");
        if (!MediaTypeHeader.TryParse(contentType, out var mediaType) || mediaType.MediaType != "multipart/related")
            return new StowResult(StatusCodes.Status415UnsupportedMediaType, null,
                $"Content-Type '{contentType}' is not supported: STOW-RS takes multipart/related; type=\"application/dicom\" (or application/dicom+json, application/dicom+xml)");
        if (!MediaTypeHeader.TryParseMultipartRelated(contentType, out var boundary, out var type, out _))
            return new StowResult(StatusCodes.Status400BadRequest, null, "the multipart/related Content-Type has no boundary parameter");
        type = type != null && MediaTypeHeader.TryParse(type, out var typeMedia) ? typeMedia.MediaType : type ?? DicomMediaType;
        if (type is not (DicomMediaType or JsonMediaType or XmlMediaType))
            return new StowResult(StatusCodes.Status415UnsupportedMediaType, null,
                $"multipart/related type '{type}' is not supported; use application/dicom, application/dicom+json or application/dicom+xml");
        if (!TryDecode(body, contentEncoding, out var decoded))
            return new StowResult(StatusCodes.Status415UnsupportedMediaType, null, $"Content-Encoding '{contentEncoding}' is not supported (gzip, deflate, identity)");

        await using var metadata = type == DicomMediaType ? null
            : new MetadataStowRequest(store, staging, type == JsonMediaType, studyUid, response, logger);
        var reader = new MultipartRelatedReader(decoded, boundary);
        var parts = 0;
        try
        {
            while (true)
            {
                MultipartPart? part;
                try
                {
                    part = await reader.ReadNextPartAsync(cancellationToken);
                }
                catch (MultipartFormatException e)
                {
                    if (parts == 0) return new StowResult(StatusCodes.Status400BadRequest, null, $"malformed multipart body: {e.Message}");
                    response.AddFailure(StoreFailureReason.CannotUnderstand, $"part {parts + 1}: {e.Message}");
                    break;
                }
                if (part == null) break;
                parts++;
                try
                {
                    if (metadata != null) await metadata.AddPartAsync(part, parts, cancellationToken);
                    else await StorePart10Async(part, parts, studyUid, response, cancellationToken);
                }
                catch (MultipartFormatException e)
                {
                    response.AddFailure(StoreFailureReason.CannotUnderstand, $"part {parts} is incomplete: {e.Message}");
                    break;
                }
            }
            // Bulk data may follow the metadata that references it, so instances are assembled once the body is read.
            if (metadata != null) await metadata.StoreInstancesAsync(cancellationToken);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            response.AddFailure(StoreFailureReason.OutOfResources, "request body larger than the configured limit");
            return new StowResult(StatusCodes.Status413PayloadTooLarge, response.Build(), "request body larger than DicomWeb:MaxRequestBodySize");
        }
        catch (IOException e) when (IsDiskFull(e))
        {
            logger.LogError(e, "STOW stopped: disk full");
            response.AddFailure(StoreFailureReason.OutOfResources, "no space left on the server's disk");
            return new StowResult(StatusCodes.Status507InsufficientStorage, response.Build(), "no space left on the server's disk");
        }
        catch (InvalidDataException e)
        {
            return new StowResult(StatusCodes.Status400BadRequest, response.Build(), $"the {contentEncoding} body cannot be decoded: {e.Message}");
        }

        if (parts == 0) return new StowResult(StatusCodes.Status400BadRequest, null, "the multipart body holds no part");
        if (response.StoredCount + response.FailedCount == 0)
            return new StowResult(StatusCodes.Status400BadRequest, null, "the multipart body describes no instance: no metadata part");
        var status = response.FailedCount == 0 ? StatusCodes.Status200OK
            : response.StoredCount > 0 ? StatusCodes.Status202Accepted
            : StatusCodes.Status409Conflict;
        return new StowResult(status, response.Build(), null);
    }

    private async Task StorePart10Async(MultipartPart part, int number, string? studyUid, StoreResponseBuilder response, CancellationToken cancellationToken)
    {
        if (part.ContentType is { } partType && (!MediaTypeHeader.TryParse(partType, out var partMedia) ||
            !string.Equals(partMedia.MediaType, DicomMediaType, StringComparison.OrdinalIgnoreCase)))
        {
            response.AddFailure(StoreFailureReason.CannotUnderstand, $"part {number}: media type '{partType}' is not application/dicom");
            return;
        }
        var outcome = await store.StoreAsync(part.Body, studyUid, cancellationToken);
        if (!outcome.Stored) logger.LogInformation("STOW part {Part} not stored: {Reason:X4} {Message}", number, outcome.FailureReason, outcome.Message);
        response.Add(outcome);
    }

    /// <summary>Sets the body size limit for this request (Kestrel's default of 30 MB is far too small for studies).</summary>
    public static void ApplyBodyLimit(HttpContext context, long? limit)
    {
        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false }) feature.MaxRequestBodySize = limit;
    }

    private static bool TryDecode(Stream body, string? encoding, out Stream decoded)
    {
        decoded = body;
        switch (encoding?.Trim().ToLowerInvariant())
        {
            case null or "" or "identity":
                return true;
            case "gzip" or "x-gzip":
                decoded = new GZipStream(body, CompressionMode.Decompress, leaveOpen: true);
                return true;
            case "deflate":
                // HTTP "deflate" is zlib-wrapped; some clients send raw deflate instead.
                decoded = new ZLibOrDeflateStream(body);
                return true;
            default:
                return false;
        }
    }

    private static bool IsDiskFull(IOException e) =>
        e.HResult == 28 || e.HResult == unchecked((int)0x80070070) || e.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase);
}
