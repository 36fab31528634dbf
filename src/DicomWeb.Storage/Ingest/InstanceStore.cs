using System.Text.Json;
using DicomWeb.Dicom;
using DicomWeb.Storage.Blobs;
using DicomWeb.Storage.Index;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace DicomWeb.Storage.Ingest;

/// <summary>
/// Stores instances: stage the bytes (hashed as they are written, their writeback started at the end), parse the
/// header from the staged bytes in memory, precompute metadata and frame offsets, then move blobs into place, flush
/// both at once and commit the index rows, all or nothing per instance. Concurrent stores share index transactions
/// (group commit).
/// </summary>
public sealed class InstanceStore : IDisposable
{
    /// <summary>Binary values up to this size stay inline in the precomputed metadata; larger ones become BulkDataURIs.</summary>
    public const int MetadataInlineThreshold = 256;

    private static readonly DicomReaderOptions HeaderOptions = new() { BulkDataThreshold = 1024 };
    private readonly IBlobStore _blobs;
    private readonly StagingArea _staging;
    private readonly CommitJournal _journal;
    private readonly StorageOptions _options;
    private readonly ILogger<InstanceStore> _logger;
    private readonly IndexCommitQueue _commits;

    /// <summary>Creates the store.</summary>
    public InstanceStore(IBlobStore blobs, StagingArea staging, CommitJournal journal, IDbContextFactory<DicomIndexContext> contexts,
        StorageOptions options, IndexWriteLock indexWriteLock, ILogger<InstanceStore> logger)
    {
        _blobs = blobs;
        _staging = staging;
        _journal = journal;
        _options = options;
        _logger = logger;
        _commits = new IndexCommitQueue(contexts, options, indexWriteLock, logger);
    }

    /// <summary>Called between moving blobs into place and committing the index; tests inject faults here.</summary>
    internal Func<Task>? BeforeIndexCommit { get; set; }

    /// <summary>The group commit of index rows; tests watch group sizes here.</summary>
    internal IndexCommitQueue Commits => _commits;

    /// <summary>
    /// Stores one Part 10 instance read from <paramref name="content"/>. Content problems come back as a failed
    /// <see cref="StoreOutcome"/>; a failing <paramref name="content"/> stream or disk throws, leaving nothing behind.
    /// </summary>
    /// <param name="content">The instance's bytes (e.g. one multipart part).</param>
    /// <param name="requiredStudyUid">When set, instances of any other study fail with <see cref="StoreFailureReason.DataSetDoesNotMatch"/>.</param>
    /// <param name="cancellationToken">Cancels the store; nothing half-written remains.</param>
    public async Task<StoreOutcome> StoreAsync(Stream content, string? requiredStudyUid, CancellationToken cancellationToken = default) =>
        await StoreStagedAsync(await _staging.StageAsync(content, cancellationToken), requiredStudyUid, cancellationToken);

    /// <summary>
    /// Stores the Part 10 instance that <paramref name="write"/> writes, staged as it is written (no second copy).
    /// Exceptions from <paramref name="write"/> propagate, leaving nothing behind.
    /// </summary>
    public async Task<StoreOutcome> StoreAsync(Func<Stream, CancellationToken, Task> write, string? requiredStudyUid, CancellationToken cancellationToken = default) =>
        await StoreStagedAsync(await _staging.StageAsync(write, cancellationToken), requiredStudyUid, cancellationToken);

    private async Task<StoreOutcome> StoreStagedAsync(StagedFile staged, string? requiredStudyUid, CancellationToken cancellationToken)
    {
        await using (staged)
        {
            var metadataPath = _staging.NewPath(".json");
            try
            {
                return await StoreParsedAsync(staged, metadataPath, requiredStudyUid, cancellationToken);
            }
            finally
            {
                File.Delete(metadataPath);
            }
        }
    }

    private async Task<StoreOutcome> StoreParsedAsync(StagedFile staged, string metadataPath, string? requiredStudyUid, CancellationToken cancellationToken)
    {
        DicomFile file;
        try
        {
            // The header comes from the bytes staging kept in memory; the file is read only past them.
            using var source = staged.OpenRead();
            file = DicomFile.Read(source, HeaderOptions, new DicomFileBulkDataSource(staged.Path));
        }
        catch (DicomParseException e)
        {
            return StoreOutcome.Failed(StoreFailureReason.CannotUnderstand, $"not readable DICOM: {e.Message}");
        }
        if (file.IsTruncated)
            return StoreOutcome.Failed(StoreFailureReason.CannotUnderstand,
                $"truncated: {file.Warnings.LastOrDefault().Message ?? "data ends inside an element"}");
        if (file.Preamble is null || file.FileMetaInformation.Count == 0)
            return StoreOutcome.Failed(StoreFailureReason.CannotUnderstand, "not a DICOM Part 10 file: no preamble, DICM prefix and file meta information");

        var dataset = file.Dataset;
        var sopClass = dataset.GetString(DicomTags.SOPClassUID);
        var sop = dataset.GetString(DicomTags.SOPInstanceUID);
        var study = dataset.GetString(DicomTags.StudyInstanceUID);
        var series = dataset.GetString(DicomTags.SeriesInstanceUID);
        foreach (var (name, value) in new[] { ("SOP Class UID", sopClass), ("SOP Instance UID", sop), ("Study Instance UID", study), ("Series Instance UID", series) })
        {
            if (string.IsNullOrEmpty(value)) return new StoreOutcome(sopClass, sop, study, series, StoreFailureReason.DataSetDoesNotMatch, $"{name} is missing");
            if (!DicomUid.IsValid(value)) return new StoreOutcome(sopClass, sop, study, series, StoreFailureReason.DataSetDoesNotMatch, $"{name} '{value}' is not a valid UID");
        }
        if (requiredStudyUid != null && study != requiredStudyUid)
            return new StoreOutcome(sopClass, sop, study, series, StoreFailureReason.DataSetDoesNotMatch,
                $"Study Instance UID {study} does not match the study {requiredStudyUid} in the request URL");

        var warnings = file.Warnings.Select(w => w.ToString()).ToList();
        byte[]? frames = null;
        try
        {
            var locations = DicomFrameIndex.Compute(dataset);
            if (locations.Count > 0 && !file.TransferSyntax.IsDeflated) frames = FrameTable.Encode(locations);
        }
        catch (DicomParseException e)
        {
            warnings.Add($"frames not indexed: {e.Message}");
        }

        // Metadata shows known attributes with their real VR even when the sender wrote them as UN.
        dataset.ResolveUnknownVRs();
        using var metadataHandle = WriteMetadata(dataset, metadataPath, study!, series!, sop!);

        var version = Guid.NewGuid().ToString("N");
        var instance = new InstanceRecord
        {
            TransferSyntaxUid = file.TransferSyntax.Uid,
            Size = staged.Length,
            ContentHash = staged.ContentHash,
            BlobKey = BlobKeys.Instance(study!, series!, sop!, version),
            MetadataKey = BlobKeys.Metadata(study!, series!, sop!, version),
            Frames = frames,
            StoredAt = DateTime.UtcNow,
        };
        IndexAttributes.Apply(instance, dataset);
        var patientRecord = new PatientRecord();
        IndexAttributes.Apply(patientRecord, dataset);
        var studyRecord = new StudyRecord();
        IndexAttributes.Apply(studyRecord, dataset);
        var seriesRecord = new SeriesRecord();
        IndexAttributes.Apply(seriesRecord, dataset);
        var rows = new IndexRows(patientRecord, studyRecord, seriesRecord, instance) { Sha256 = () => Sha256Async(instance.BlobKey) };

        var entry = _journal.Begin([instance.BlobKey, instance.MetadataKey]);
        var committed = false;
        try
        {
            await _blobs.PutFileAsync(instance.BlobKey, staged.Path, cancellationToken);
            await _blobs.PutFileAsync(instance.MetadataKey, metadataPath, cancellationToken);
            await FlushAsync(staged, metadataHandle);
            if (BeforeIndexCommit != null) await BeforeIndexCommit();
            var result = await _commits.CommitAsync(rows, cancellationToken);
            committed = result.Committed;
            foreach (var obsolete in result.ObsoleteBlobKeys) await DeleteQuietlyAsync(obsolete);
            if (result.Failure is { } failure)
                return new StoreOutcome(sopClass, sop, study, series, failure.Reason, failure.Message);
            if (result.AlreadyStored) warnings.Add("identical instance already stored; kept as it was");
            return new StoreOutcome(sopClass, sop, study, series, null, null) { Warnings = warnings };
        }
        finally
        {
            if (!committed)
            {
                await DeleteQuietlyAsync(instance.BlobKey);
                await DeleteQuietlyAsync(instance.MetadataKey);
            }
            _journal.Complete(entry);
        }
    }

    /// <summary>
    /// Serializes the metadata into pooled memory and writes it with one write. Returns the open file when it still
    /// has to be flushed to disk (see <see cref="FlushAsync"/>), null when flushing is off.
    /// </summary>
    private SafeFileHandle? WriteMetadata(DicomDataset dataset, string path, string study, string series, string sop)
    {
        var prefix = $"studies/{study}/series/{series}/instances/{sop}/bulk/";
        var options = new DicomJsonWriterOptions
        {
            BulkData = new DicomBulkDataPolicy { UriFactory = context => prefix + context.PathString, InlineThreshold = MetadataInlineThreshold },
        };
        using var buffer = new PooledBufferWriter();
        using (var writer = new Utf8JsonWriter(buffer, DicomJsonWriter.CreateWriterOptions(options)))
            DicomJsonWriter.Write(writer, dataset, options);
        var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        try
        {
            RandomAccess.Write(handle, buffer.WrittenSpan, 0);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
        if (_options.FlushToDisk) return handle;
        handle.Dispose();
        return null;
    }

    /// <summary>
    /// Makes the instance and its metadata durable under their new names before the index may point at them. Both
    /// fsyncs run at once after the moves, so the file system commits the data and both names in one journal commit
    /// (ext4, XFS and btrfs persist a file's new name with the file) instead of one commit per file.
    /// </summary>
    private static async Task FlushAsync(StagedFile staged, SafeFileHandle? metadataHandle)
    {
        var instance = staged.FlushAsync();
        if (metadataHandle != null) RandomAccess.FlushToDisk(metadataHandle);
        await instance;
    }

    /// <summary>SHA-256 of a blob moved into place, for <see cref="IndexRows.Sha256"/>.</summary>
    private async Task<string> Sha256Async(string key)
    {
        await using var blob = await _blobs.OpenReadAsync(key) ?? throw new FileNotFoundException($"blob {key} is missing");
        return await ContentHash.Sha256Async(blob);
    }

    /// <summary>Closes the index connection kept for group commits.</summary>
    public void Dispose() => _commits.Dispose();

    private async Task DeleteQuietlyAsync(string key)
    {
        try
        {
            await _blobs.DeleteAsync(key, CancellationToken.None);
        }
        catch (IOException e)
        {
            _logger.LogWarning(e, "could not delete blob {Key}", key);
        }
    }
}
