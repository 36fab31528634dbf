using DicomWeb.Dicom;
using DicomWeb.Storage.Blobs;
using DicomWeb.Storage.Index;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace DicomWeb.Storage.Ingest;

/// <summary>
/// Stores instances: stage the bytes, parse the header, precompute metadata and frame offsets,
/// then move blobs into place and commit the index row, all or nothing per instance.
/// </summary>
public sealed class InstanceStore
{
    /// <summary>Binary values up to this size stay inline in the precomputed metadata; larger ones become BulkDataURIs.</summary>
    public const int MetadataInlineThreshold = 256;

    private static readonly DicomReaderOptions HeaderOptions = new() { BulkDataThreshold = 1024 };
    private readonly IBlobStore _blobs;
    private readonly StagingArea _staging;
    private readonly CommitJournal _journal;
    private readonly IDbContextFactory<DicomIndexContext> _contexts;
    private readonly StorageOptions _options;
    private readonly ILogger<InstanceStore> _logger;
    private readonly IndexWriteLock _indexWriteLock;

    /// <summary>Creates the store.</summary>
    public InstanceStore(IBlobStore blobs, StagingArea staging, CommitJournal journal, IDbContextFactory<DicomIndexContext> contexts,
        StorageOptions options, IndexWriteLock indexWriteLock, ILogger<InstanceStore> logger)
    {
        _blobs = blobs;
        _staging = staging;
        _journal = journal;
        _contexts = contexts;
        _options = options;
        _logger = logger;
        _indexWriteLock = indexWriteLock;
    }

    /// <summary>Called between moving blobs into place and committing the index; tests inject faults here.</summary>
    internal Func<Task>? BeforeIndexCommit { get; set; }

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
        var metadataPath = _staging.NewPath(".json");
        try
        {
            return await StoreParsedAsync(staged, metadataPath, requiredStudyUid, cancellationToken);
        }
        finally
        {
            File.Delete(staged.Path);
            File.Delete(metadataPath);
        }
    }

    private async Task<StoreOutcome> StoreParsedAsync(StagedFile staged, string metadataPath, string? requiredStudyUid, CancellationToken cancellationToken)
    {
        DicomFile file;
        try
        {
            file = DicomFile.Open(staged.Path, HeaderOptions);
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
        await WriteMetadataAsync(dataset, metadataPath, study!, series!, sop!, cancellationToken);

        var version = Guid.NewGuid().ToString("N");
        var instance = new InstanceRecord
        {
            TransferSyntaxUid = file.TransferSyntax.Uid,
            Size = staged.Length,
            Sha256 = staged.Sha256,
            BlobKey = BlobKeys.Instance(study!, series!, sop!, version),
            MetadataKey = BlobKeys.Metadata(study!, series!, sop!, version),
            Frames = frames,
            StoredAt = DateTime.UtcNow,
        };
        IndexAttributes.Apply(instance, dataset);

        var entry = _journal.Begin([instance.BlobKey, instance.MetadataKey]);
        var committed = false;
        try
        {
            await _blobs.PutFileAsync(instance.BlobKey, staged.Path, cancellationToken);
            await _blobs.PutFileAsync(instance.MetadataKey, metadataPath, cancellationToken);
            if (BeforeIndexCommit != null) await BeforeIndexCommit();
            var result = await CommitIndexAsync(dataset, instance, staged.Sha256, cancellationToken);
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

    private async Task WriteMetadataAsync(DicomDataset dataset, string path, string study, string series, string sop, CancellationToken cancellationToken)
    {
        var prefix = $"studies/{study}/series/{series}/instances/{sop}/bulk/";
        var options = new DicomJsonWriterOptions
        {
            BulkData = new DicomBulkDataPolicy { UriFactory = context => prefix + context.PathString, InlineThreshold = MetadataInlineThreshold },
        };
        await using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous);
        await DicomJsonWriter.WriteAsync(stream, dataset, options, cancellationToken);
        await stream.FlushAsync(cancellationToken);
        if (_options.FlushToDisk) stream.Flush(flushToDisk: true);
    }

    private sealed record CommitResult(bool Committed, bool AlreadyStored, (ushort Reason, string Message)? Failure, IReadOnlyList<string> ObsoleteBlobKeys);

    private async Task<CommitResult> CommitIndexAsync(DicomDataset dataset, InstanceRecord incoming, string sha256, CancellationToken cancellationToken)
    {
        await _indexWriteLock.WaitAsync(cancellationToken);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return await CommitIndexOnceAsync(dataset, incoming, sha256, cancellationToken);
                }
                catch (DbUpdateException e) when (attempt < 4)
                {
                    // A concurrent store created the same patient, study, series or instance first: look again.
                    _logger.LogDebug(e, "index commit conflict, attempt {Attempt}", attempt);
                }
            }
        }
        finally
        {
            _indexWriteLock.Release();
        }
    }

    private async Task<CommitResult> CommitIndexOnceAsync(DicomDataset dataset, InstanceRecord incoming, string sha256, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = DateTime.UtcNow;

        var existing = await db.Instances.FirstOrDefaultAsync(i => i.SopInstanceUid == incoming.SopInstanceUid, cancellationToken);
        if (existing != null && existing.Sha256 == sha256)
            return new CommitResult(false, true, null, []);
        if (existing != null && _options.DuplicatePolicy == DuplicatePolicy.Reject)
            return new CommitResult(false, false, (StoreFailureReason.DuplicateSopInstance,
                $"SOP Instance UID {incoming.SopInstanceUid} is already stored with other content (duplicate policy: Reject)"), []);

        var patientKey = IndexAttributes.PatientKey(dataset);
        var patient = await db.Patients.FirstOrDefaultAsync(p => p.PatientKey == patientKey, cancellationToken);
        if (patient == null)
        {
            patient = new PatientRecord();
            IndexAttributes.Apply(patient, dataset);
            db.Patients.Add(patient);
        }

        var studyUid = dataset.GetString(DicomTags.StudyInstanceUID)!;
        var study = await db.Studies.FirstOrDefaultAsync(s => s.StudyInstanceUid == studyUid, cancellationToken);
        if (study == null)
        {
            study = new StudyRecord { Patient = patient };
            IndexAttributes.Apply(study, dataset);
            db.Studies.Add(study);
        }
        study.UpdatedAt = now;

        var seriesUid = dataset.GetString(DicomTags.SeriesInstanceUID)!;
        var series = await db.Series.FirstOrDefaultAsync(s => s.SeriesInstanceUid == seriesUid, cancellationToken);
        if (series == null)
        {
            series = new SeriesRecord { Study = study };
            IndexAttributes.Apply(series, dataset);
            db.Series.Add(series);
        }
        series.UpdatedAt = now;

        IReadOnlyList<string> obsolete = [];
        if (existing != null)
        {
            obsolete = [existing.BlobKey, existing.MetadataKey];
            IndexAttributes.Apply(existing, dataset);
            existing.Series = series;
            existing.TransferSyntaxUid = incoming.TransferSyntaxUid;
            existing.Size = incoming.Size;
            existing.Sha256 = incoming.Sha256;
            existing.BlobKey = incoming.BlobKey;
            existing.MetadataKey = incoming.MetadataKey;
            existing.Frames = incoming.Frames;
            existing.StoredAt = incoming.StoredAt;
        }
        else
        {
            incoming.Series = series;
            db.Instances.Add(incoming);
        }
        await db.SaveChangesAsync(cancellationToken);
        // Once the row is written, a cancelled request must not turn a committed store into deleted blobs.
        await transaction.CommitAsync(CancellationToken.None);
        return new CommitResult(true, false, null, obsolete);
    }

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
