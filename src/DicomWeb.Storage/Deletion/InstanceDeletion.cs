using DicomWeb.Dicom;
using DicomWeb.Storage.Blobs;
using DicomWeb.Storage.Index;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace DicomWeb.Storage.Deletion;

/// <summary>What a delete request came to.</summary>
public enum DeletionStatus
{
    /// <summary>The study, series or instance and everything below it is gone.</summary>
    Deleted,
    /// <summary>A UID in the request is not a valid UID.</summary>
    InvalidUid,
    /// <summary>No such study.</summary>
    StudyNotFound,
    /// <summary>The study has no such series.</summary>
    SeriesNotFound,
    /// <summary>The series has no such instance.</summary>
    InstanceNotFound,
}

/// <summary>The result of <see cref="InstanceDeletion.DeleteAsync"/>.</summary>
/// <param name="Status">What happened.</param>
/// <param name="Reason">Why nothing was deleted, for the client; null when deleted.</param>
/// <param name="DeletedInstances">How many instances were removed from the index.</param>
public sealed record DeletionOutcome(DeletionStatus Status, string? Reason, int DeletedInstances);

/// <summary>
/// Deletes a study, a series or one instance: the index rows first, in one transaction, then the blobs.
/// Series, studies and patients left without children go with them. On PostgreSQL the transaction first takes the
/// study's and patient's <see cref="StudyLocks"/>, so that concurrent stores are neither lost nor left dangling.
/// </summary>
public sealed class InstanceDeletion
{
    private readonly IBlobStore _blobs;
    private readonly IDbContextFactory<DicomIndexContext> _contexts;
    private readonly IndexWriteLock _indexWriteLock;
    private readonly ILogger<InstanceDeletion> _logger;

    /// <summary>Creates the deleter.</summary>
    public InstanceDeletion(IBlobStore blobs, IDbContextFactory<DicomIndexContext> contexts, IndexWriteLock indexWriteLock, ILogger<InstanceDeletion> logger)
    {
        _blobs = blobs;
        _contexts = contexts;
        _indexWriteLock = indexWriteLock;
        _logger = logger;
    }

    /// <summary>
    /// Deletes the study <paramref name="study"/>, or its series <paramref name="series"/>, or that series' instance
    /// <paramref name="sop"/>. A series must belong to the study and an instance to the series, or nothing is deleted.
    /// </summary>
    public async Task<DeletionOutcome> DeleteAsync(string study, string? series, string? sop, CancellationToken cancellationToken = default)
    {
        foreach (var (name, value) in new[] { ("Study Instance UID", study), ("Series Instance UID", series), ("SOP Instance UID", sop) })
            if (value != null && !DicomUid.IsValid(value))
                return new DeletionOutcome(DeletionStatus.InvalidUid, $"{name} '{value}' is not a valid UID", 0);
        if (sop != null && series == null) throw new ArgumentException("an instance is addressed within its series", nameof(series));

        List<(string BlobKey, string MetadataKey)> keys;
        await _indexWriteLock.WaitAsync(cancellationToken);
        try
        {
            var (outcome, deleted) = await DeleteRowsAsync(study, series, sop, cancellationToken);
            if (outcome.Status != DeletionStatus.Deleted) return outcome;
            keys = deleted;
        }
        finally
        {
            _indexWriteLock.Release();
        }

        // The index no longer points at these blobs, so readers cannot reach them any more. If the process dies
        // before or while deleting them, they are merely unreferenced files: harmless, only wasted space.
        foreach (var (blobKey, metadataKey) in keys)
        {
            await DeleteQuietlyAsync(blobKey);
            await DeleteQuietlyAsync(metadataKey);
        }
        return new DeletionOutcome(DeletionStatus.Deleted, null, keys.Count);
    }

    private async Task<(DeletionOutcome Outcome, List<(string, string)> Keys)> DeleteRowsAsync(
        string study, string? series, string? sop, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var studyRow = await db.Studies.FirstOrDefaultAsync(s => s.StudyInstanceUid == study, cancellationToken);
        if (studyRow == null) return (NotFound(DeletionStatus.StudyNotFound, $"study {study} not found"), []);
        if (StudyLocks.Needed(db))
        {
            // Stores into this patient or study finish first, and new ones wait for this commit (see StudyLocks);
            // everything below is read after that, so nothing committed meanwhile is deleted unseen.
            var patientRecordId = studyRow.PatientRecordId;
            var patientKey = await db.Patients.Where(p => p.Id == patientRecordId).Select(p => p.PatientKey).FirstAsync(cancellationToken);
            await StudyLocks.LockExclusiveAsync(db, StudyLocks.Keys([(patientKey, study)]), cancellationToken);
            db.ChangeTracker.Clear();
            studyRow = await db.Studies.FirstOrDefaultAsync(s => s.StudyInstanceUid == study, cancellationToken);
            if (studyRow == null) return (NotFound(DeletionStatus.StudyNotFound, $"study {study} not found"), []);
        }

        SeriesRecord? seriesRow = null;
        if (series != null)
        {
            seriesRow = await db.Series.FirstOrDefaultAsync(s => s.SeriesInstanceUid == series && s.StudyRecordId == studyRow.Id, cancellationToken);
            if (seriesRow == null) return (NotFound(DeletionStatus.SeriesNotFound, $"series {series} not found in study {study}"), []);
        }

        IQueryable<InstanceRecord> doomed;
        if (sop != null)
        {
            var seriesId = seriesRow!.Id;
            doomed = db.Instances.Where(i => i.SopInstanceUid == sop && i.SeriesRecordId == seriesId);
        }
        else if (seriesRow != null)
        {
            var seriesId = seriesRow.Id;
            doomed = db.Instances.Where(i => i.SeriesRecordId == seriesId);
        }
        else
        {
            var studyId = studyRow.Id;
            doomed = db.Instances.Where(i => i.Series!.StudyRecordId == studyId);
        }

        var keys = (await doomed.Select(i => new { i.BlobKey, i.MetadataKey }).ToListAsync(cancellationToken))
            .Select(k => (k.BlobKey, k.MetadataKey)).ToList();
        if (sop != null && keys.Count == 0)
            return (NotFound(DeletionStatus.InstanceNotFound, $"instance {sop} not found in series {series} of study {study}"), []);

        // Children first, then every parent this left empty; the foreign keys would cascade, but being explicit
        // keeps the order obvious and independent of the provider's cascade support.
        await doomed.ExecuteDeleteAsync(cancellationToken);
        var studyKey = studyRow.Id;
        await db.Series.Where(s => s.StudyRecordId == studyKey && !s.Instances.Any()).ExecuteDeleteAsync(cancellationToken);
        var studyLeft = await db.Series.AnyAsync(s => s.StudyRecordId == studyKey, cancellationToken);
        if (studyLeft)
        {
            // What remains of the study changed: Last-Modified and validators must move on.
            var now = DateTime.UtcNow;
            await db.Studies.Where(s => s.Id == studyKey).ExecuteUpdateAsync(u => u.SetProperty(s => s.UpdatedAt, now), cancellationToken);
            if (seriesRow != null)
                await db.Series.Where(s => s.Id == seriesRow.Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.UpdatedAt, now), cancellationToken);
        }
        else
        {
            await db.Studies.Where(s => s.Id == studyKey).ExecuteDeleteAsync(cancellationToken);
            var patientKey = studyRow.PatientRecordId;
            await db.Patients.Where(p => p.Id == patientKey && !p.Studies.Any()).ExecuteDeleteAsync(cancellationToken);
        }
        // Once the rows are gone, a cancelled request must not leave the blobs of a committed delete behind.
        await transaction.CommitAsync(CancellationToken.None);
        return (new DeletionOutcome(DeletionStatus.Deleted, null, keys.Count), keys);
    }

    private static DeletionOutcome NotFound(DeletionStatus status, string reason) => new(status, reason, 0);

    private async Task DeleteQuietlyAsync(string key)
    {
        try
        {
            await _blobs.DeleteAsync(key, CancellationToken.None);
        }
        catch (IOException e)
        {
            _logger.LogWarning(e, "could not delete blob {Key}; it is unreferenced and can be removed", key);
        }
    }
}
