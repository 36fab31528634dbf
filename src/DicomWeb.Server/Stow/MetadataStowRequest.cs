using System.Buffers;
using DicomWeb.Dicom;
using DicomWeb.Multipart;
using DicomWeb.Storage.Ingest;

namespace DicomWeb.Server.Stow;

/// <summary>
/// One STOW-RS request of type application/dicom+json or application/dicom+xml (PS3.18 §10.5.1.2.2): metadata parts
/// (a JSON array of data sets, or one XML data set per part) and bulk data parts that BulkDataURIs reference by
/// Content-Location. Parts may come in any order, so bulk parts are staged to files as they arrive, metadata is
/// parsed and kept, and the instances are assembled and stored once the body has been read. Staged files are
/// deleted when the request is disposed.
/// </summary>
/// <remarks>
/// Tolerated: a metadata part without Content-Type (when it has no Content-Location either), application/json or
/// XML media types for metadata, Content-ID instead of Content-Location (referenced as <c>cid:</c>), and
/// application/dicom parts in the same request (stored as Part 10 instances).
/// </remarks>
internal sealed class MetadataStowRequest(
    InstanceStore store, StagingArea staging, bool json, string? studyUid, StoreResponseBuilder response, ILogger logger) : IAsyncDisposable
{
    /// <summary>A metadata part is parsed in memory; beyond this size it is refused.</summary>
    public const int MaxMetadataPartLength = 64 * 1024 * 1024;

    private const int CopyBufferSize = 128 * 1024;
    private const string OctetStream = "application/octet-stream";
    private readonly string _metadataType = json ? "application/dicom+json" : "application/dicom+xml";
    private readonly BulkDataParts _bulk = new();
    private readonly List<(DicomDataset Dataset, int Part, string? TransferSyntax)> _datasets = [];

    /// <summary>Reads one part: parses metadata, stages bulk data, stores Part 10.</summary>
    /// <exception cref="MultipartFormatException">The body ends inside the part.</exception>
    public async Task AddPartAsync(MultipartPart part, int number, CancellationToken cancellationToken)
    {
        MediaTypeValue? media = null;
        if (part.ContentType != null && !MediaTypeHeader.TryParse(part.ContentType, out media))
        {
            response.AddFailure(StoreFailureReason.CannotUnderstand, $"part {number}: Content-Type '{part.ContentType}' is not a media type");
            return;
        }
        var mediaType = media?.MediaType;
        var location = LocationOf(part);
        if (IsMetadata(mediaType, location))
        {
            await ReadMetadataAsync(part.Body, number, media?.GetParameter("transfer-syntax"), cancellationToken);
            return;
        }
        if (mediaType == "application/dicom")
        {
            response.Add(await store.StoreAsync(part.Body, studyUid, cancellationToken));
            return;
        }
        if (location == null)
        {
            response.AddFailure(StoreFailureReason.CannotUnderstand, $"part {number} ({mediaType}) has no Content-Location for a BulkDataURI to reference");
            return;
        }
        if (mediaType == "multipart/related")
        {
            await StageFramesAsync(part.Body, media!, number, location, cancellationToken);
            return;
        }
        var (path, length) = await StageAsync(part.Body, cancellationToken);
        _bulk.Add(new BulkDataPart(number, location, mediaType ?? OctetStream, media?.GetParameter("transfer-syntax"), path, length));
    }

    /// <summary>Assembles and stores every instance the metadata describes; reports each in the response.</summary>
    public async Task StoreInstancesAsync(CancellationToken cancellationToken)
    {
        for (var i = 0; i < _datasets.Count; i++)
        {
            var (dataset, number, transferSyntax) = _datasets[i];
            _datasets[i] = default;
            var sopClass = dataset.GetString(DicomTags.SOPClassUID);
            var sop = dataset.GetString(DicomTags.SOPInstanceUID);
            var instance = MetadataInstanceBuilder.Build(dataset, transferSyntax, _bulk);
            if (instance.File == null)
            {
                logger.LogInformation("STOW metadata part {Part}: instance {Sop} not stored: {Message}", number, sop, instance.Message);
                response.AddFailure(instance.FailureReason!.Value, instance.Message!, sopClass, sop);
                continue;
            }
            StoreOutcome outcome;
            try
            {
                // The Part 10 file is written straight into the store's staging file: written once, never buffered.
                outcome = await store.StoreAsync(
                    (output, ct) => DicomFileWriter.WriteAsync(output, instance.File, instance.File.TransferSyntax, null, ct), studyUid, cancellationToken);
            }
            catch (Exception e) when (e is InvalidOperationException or NotSupportedException)
            {
                response.AddFailure(StoreFailureReason.DataSetDoesNotMatch, $"cannot be encoded: {e.Message}", sopClass, sop);
                continue;
            }
            if (!outcome.Stored) logger.LogInformation("STOW metadata part {Part}: instance {Sop} not stored: {Reason:X4} {Message}", number, sop, outcome.FailureReason, outcome.Message);
            response.Add(instance.Warnings.Count == 0 ? outcome : outcome with { Warnings = [.. outcome.Warnings, .. instance.Warnings] });
        }
    }

    /// <summary>Deletes the staged bulk data files.</summary>
    public ValueTask DisposeAsync()
    {
        foreach (var part in _bulk.All)
        {
            try
            {
                File.Delete(part.Path);
            }
            catch (IOException e)
            {
                logger.LogWarning(e, "could not delete staged bulk data {Path}", part.Path);
            }
        }
        return ValueTask.CompletedTask;
    }

    private bool IsMetadata(string? mediaType, string? location)
    {
        if (mediaType == _metadataType) return true;
        if (location != null) return false;
        return mediaType == null || (json ? mediaType == "application/json" : mediaType is "application/xml" or "text/xml");
    }

    private static string? LocationOf(MultipartPart part)
    {
        if (part.ContentLocation is { } location && location.Trim().Length > 0) return location.Trim();
        return part.Headers.TryGetValue("Content-ID", out var id) && id.Trim().Trim('<', '>') is { Length: > 0 } cid ? "cid:" + cid : null;
    }

    private async Task ReadMetadataAsync(Stream body, int number, string? transferSyntax, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            int read;
            while ((read = await body.ReadAsync(chunk.AsMemory(0, CopyBufferSize), cancellationToken)) > 0)
            {
                if (buffer.Length + read > MaxMetadataPartLength)
                {
                    response.AddFailure(StoreFailureReason.CannotUnderstand, $"part {number}: metadata larger than {MaxMetadataPartLength >> 20} MB");
                    return;
                }
                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        IReadOnlyList<DicomDataset> datasets;
        try
        {
            if (json)
            {
                datasets = DicomJsonReader.ReadArray(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
            }
            else
            {
                buffer.Position = 0;
                datasets = [DicomXmlReader.Read(buffer)];
            }
        }
        catch (Exception e) when (e is DicomJsonException or DicomXmlException)
        {
            logger.LogInformation("STOW metadata part {Part} unreadable: {Message}", number, e.Message);
            response.AddFailure(StoreFailureReason.CannotUnderstand, $"part {number}: {e.Message}");
            return;
        }
        if (datasets.Count == 0) response.AddFailure(StoreFailureReason.CannotUnderstand, $"part {number}: the metadata holds no data set");
        foreach (var dataset in datasets) _datasets.Add((dataset, number, transferSyntax));
    }

    /// <summary>A multipart/related bulk part holds one frame per inner part (compressed multi-frame pixel data).</summary>
    private async Task StageFramesAsync(Stream body, MediaTypeValue media, int number, string location, CancellationToken cancellationToken)
    {
        if (!MediaTypeHeader.TryParseMultipartRelated(media.ToString(), out var boundary, out var type, out var transferSyntax))
        {
            response.AddFailure(StoreFailureReason.CannotUnderstand, $"part {number}: multipart/related without a boundary");
            return;
        }
        var reader = new MultipartRelatedReader(body, boundary);
        var frames = new List<BulkDataPart>();
        try
        {
            while (await reader.ReadNextPartAsync(cancellationToken) is { } frame)
            {
                MediaTypeValue? frameMedia = null;
                if (frame.ContentType != null) MediaTypeHeader.TryParse(frame.ContentType, out frameMedia);
                var (path, length) = await StageAsync(frame.Body, cancellationToken);
                frames.Add(new BulkDataPart(number, location, frameMedia?.MediaType ?? type?.ToLowerInvariant() ?? OctetStream,
                    frameMedia?.GetParameter("transfer-syntax") ?? transferSyntax, path, length));
            }
            foreach (var frame in frames) _bulk.Add(frame);
            frames.Clear();
        }
        catch (MultipartFormatException e)
        {
            // If the outer body is what broke, reading the next outer part reports that too.
            response.AddFailure(StoreFailureReason.CannotUnderstand, $"part {number}: malformed inner multipart: {e.Message}");
        }
        finally
        {
            foreach (var frame in frames) File.Delete(frame.Path);
        }
    }

    private async Task<(string Path, long Length)> StageAsync(Stream content, CancellationToken cancellationToken)
    {
        var path = staging.NewPath(".bulk");
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        long length = 0;
        try
        {
            await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
            int read;
            while ((read = await content.ReadAsync(buffer.AsMemory(0, CopyBufferSize), cancellationToken)) > 0)
            {
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                length += read;
            }
        }
        catch
        {
            File.Delete(path);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return (path, length);
    }
}
