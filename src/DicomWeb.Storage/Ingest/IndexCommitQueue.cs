using System.Collections.Concurrent;
using System.Data.Common;
using DicomWeb.Storage.Index;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace DicomWeb.Storage.Ingest;

/// <summary>The index rows of one instance, filled from its data set before the commit.</summary>
/// <param name="Patient">The patient, used when none with its key exists yet.</param>
/// <param name="Study">The study, used when none with its UID exists yet.</param>
/// <param name="Series">The series, used when none with its UID exists yet.</param>
/// <param name="Instance">The instance with its blob keys, content hash and frame table.</param>
internal sealed record IndexRows(PatientRecord Patient, StudyRecord Study, SeriesRecord Series, InstanceRecord Instance)
{
    /// <summary>Computes the SHA-256 of the instance's bytes, to compare with instances stored by earlier versions.</summary>
    public Func<Task<string>>? Sha256 { get; init; }
}

/// <summary>What the index commit made of one instance.</summary>
/// <param name="Committed">The instance row now points at the new blobs.</param>
/// <param name="AlreadyStored">An identical instance was stored before; nothing changed.</param>
/// <param name="Failure">Why the instance was refused (a duplicate under the Reject policy).</param>
/// <param name="ObsoleteBlobKeys">Blobs of a replaced instance, to delete after the commit.</param>
internal sealed record IndexCommitResult(bool Committed, bool AlreadyStored, (ushort Reason, string Message)? Failure, IReadOnlyList<string> ObsoleteBlobKeys);

/// <summary>
/// Group commit of index rows: concurrent stores queue their rows, and whoever holds the index write lock commits
/// every queued store in one transaction (one WAL fsync for all of them). Each instance gets a savepoint, so a
/// duplicate or a failing row is rolled back alone and reported to its own store; the others still commit.
/// </summary>
internal sealed class IndexCommitQueue : IDisposable
{
    /// <summary>At most this many stores share a transaction, so that one commit never holds the lock for long.</summary>
    private const int MaxGroupSize = 64;
    private const int MaxAttempts = 4;

    private readonly ConcurrentQueue<QueuedRows> _queue = new();
    private readonly IDbContextFactory<DicomIndexContext> _contexts;
    private readonly StorageOptions _options;
    private readonly IndexWriteLock _writeLock;
    private readonly ILogger _logger;
    private WriterSession? _session;

    public IndexCommitQueue(IDbContextFactory<DicomIndexContext> contexts, StorageOptions options, IndexWriteLock writeLock, ILogger logger)
    {
        _contexts = contexts;
        _options = options;
        _writeLock = writeLock;
        _logger = logger;
    }

    /// <summary>Called with the size of each group as it commits; tests observe grouping here.</summary>
    public Action<int>? GroupCommitting { get; set; }

    /// <summary>Called inside each instance's savepoint before its rows are written; tests inject faults here.</summary>
    public Func<IndexRows, Task>? BeforeRowsWritten { get; set; }

    /// <summary>Called inside each instance's savepoint after its rows are written; tests hold the transaction open here.</summary>
    public Func<IndexRows, Task>? AfterRowsWritten { get; set; }

    /// <summary>How many stores wait in the queue.</summary>
    public int QueuedCount => _queue.Count;

    /// <summary>
    /// Commits <paramref name="rows"/>, alone or together with other queued stores. Cancellation only withdraws
    /// rows nobody has started to commit; once taken, the store waits for its outcome, so a committed row is never reported as cancelled.
    /// </summary>
    public async Task<IndexCommitResult> CommitAsync(IndexRows rows, CancellationToken cancellationToken)
    {
        var queued = new QueuedRows(rows);
        _queue.Enqueue(queued);
        try
        {
            await _writeLock.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            if (queued.TryWithdraw()) throw;
            return await queued.Outcome.Task;
        }
        try
        {
            // Whoever held the lock before may have committed these rows already; otherwise commit what is queued,
            // group after group: the queue is FIFO, so these rows come up after the ones queued before them.
            while (queued.IsWaiting)
            {
                var group = TakeGroup();
                if (group.Count > 0) await CommitGroupAsync(group);
            }
        }
        finally
        {
            _writeLock.Release();
        }
        // Without a write lock (PostgreSQL) another writer may hold these rows in its group: wait for its outcome.
        return await queued.Outcome.Task;
    }

    private List<QueuedRows> TakeGroup()
    {
        var group = new List<QueuedRows>();
        while (group.Count < MaxGroupSize && _queue.TryDequeue(out var next))
            if (next.TryTake()) group.Add(next);
        return group;
    }

    private async Task CommitGroupAsync(List<QueuedRows> group)
    {
        var results = new IndexCommitResult?[group.Count];
        var failures = new Exception?[group.Count];
        // SQLite has one writer, the holder of the write lock: its connection and prepared commands are kept.
        var exclusive = _options.Provider == IndexProvider.Sqlite;
        WriterSession? session = null;
        try
        {
            GroupCommitting?.Invoke(group.Count);
            session = exclusive ? _session ??= await WriterSession.OpenAsync(_contexts, _options) : await WriterSession.OpenAsync(_contexts, _options);
            // None of the requests' tokens: the group serves several requests, and a commit that started must finish.
            await using var transaction = await session.Connection.BeginTransactionAsync(CancellationToken.None);
            session.Writer.Use(transaction);
            // Before any lookup: a deletion of one of these studies either committed before (and the lookups see it)
            // or waits until this group has committed (and then sees its rows).
            await session.Writer.LockStudiesAsync(group.Select(q => (q.Rows.Patient.PatientKey, q.Rows.Study.StudyInstanceUid)));
            var keys = new GroupKeys();
            for (var i = 0; i < group.Count; i++)
            {
                try
                {
                    results[i] = await ApplyWithRetriesAsync(session.Writer, transaction, group[i].Rows, keys);
                }
                catch (Exception e) when (e is not (OperationCanceledException or TransactionLostException))
                {
                    _logger.LogWarning(e, "index rows of {Sop} not written", group[i].Rows.Instance.SopInstanceUid);
                    failures[i] = e;
                }
            }
            await session.Writer.TouchAsync(keys.TouchedStudies, keys.TouchedSeries, DateTime.UtcNow);
            await transaction.CommitAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            // The transaction did not commit: nothing of this group is in the index. The connection may be broken.
            if (exclusive && session != null)
            {
                session.Dispose();
                _session = null;
            }
            foreach (var queued in group) queued.Outcome.TrySetException(e);
            return;
        }
        finally
        {
            if (!exclusive && session != null) session.Dispose();
        }
        for (var i = 0; i < group.Count; i++)
        {
            if (failures[i] is { } failure) group[i].Outcome.TrySetException(failure);
            else group[i].Outcome.TrySetResult(results[i]!);
        }
    }

    /// <summary>Closes the kept SQLite writer connection (at shutdown, when no store runs any more).</summary>
    public void Dispose()
    {
        _session?.Dispose();
        _session = null;
    }

    private async Task<IndexCommitResult> ApplyWithRetriesAsync(IndexRowWriter writer, DbTransaction transaction, IndexRows rows, GroupKeys keys)
    {
        for (var attempt = 1; ; attempt++)
        {
            await transaction.SaveAsync("instance", CancellationToken.None);
            try
            {
                var result = await ApplyAsync(writer, rows, keys);
                if (AfterRowsWritten != null) await AfterRowsWritten(rows);
                await transaction.ReleaseAsync("instance", CancellationToken.None);
                keys.Keep();
                return result;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                try
                {
                    await transaction.RollbackAsync("instance", CancellationToken.None);
                }
                catch (Exception rollback)
                {
                    // The transaction itself is gone (SQLite rolls back all on some errors): nothing of the group may commit.
                    throw new TransactionLostException(rollback);
                }
                keys.Forget();
                // A concurrent writer (PostgreSQL) created the same patient, study, series or instance first: look again.
                if (!IndexRowWriter.IsUniqueViolation(e) || attempt >= MaxAttempts) throw;
                _logger.LogDebug(e, "index commit conflict, attempt {Attempt}", attempt);
            }
        }
    }

    private async Task<IndexCommitResult> ApplyAsync(IndexRowWriter writer, IndexRows rows, GroupKeys keys)
    {
        if (BeforeRowsWritten != null) await BeforeRowsWritten(rows);
        var incoming = rows.Instance;
        var existing = await writer.FindInstanceAsync(incoming.SopInstanceUid);
        if (existing != null && await SameContentAsync(existing.ContentHash, rows))
            return new IndexCommitResult(false, true, null, []);
        if (existing != null && _options.DuplicatePolicy == DuplicatePolicy.Reject)
            return new IndexCommitResult(false, false, (StoreFailureReason.DuplicateSopInstance,
                $"SOP Instance UID {incoming.SopInstanceUid} is already stored with other content (duplicate policy: Reject)"), []);

        var now = incoming.StoredAt;
        if (!keys.Patients.TryGetValue(rows.Patient.PatientKey, out var patientId))
        {
            patientId = await writer.FindPatientAsync(rows.Patient.PatientKey) ?? await writer.InsertAsync(rows.Patient);
            keys.Patients[rows.Patient.PatientKey] = patientId;
        }
        if (!keys.Studies.TryGetValue(rows.Study.StudyInstanceUid, out var studyId))
        {
            var found = await writer.FindStudyAsync(rows.Study.StudyInstanceUid);
            if (found is { } id) studyId = id;
            else
            {
                rows.Study.PatientRecordId = patientId;
                rows.Study.UpdatedAt = now;
                studyId = await writer.InsertAsync(rows.Study);
            }
            keys.Studies[rows.Study.StudyInstanceUid] = studyId;
        }
        if (!keys.Series.TryGetValue(rows.Series.SeriesInstanceUid, out var seriesId))
        {
            var found = await writer.FindSeriesAsync(rows.Series.SeriesInstanceUid);
            if (found is { } id) seriesId = id;
            else
            {
                rows.Series.StudyRecordId = studyId;
                rows.Series.UpdatedAt = now;
                seriesId = await writer.InsertAsync(rows.Series);
            }
            keys.Series[rows.Series.SeriesInstanceUid] = seriesId;
        }
        keys.Touch(studyId, seriesId);

        incoming.SeriesRecordId = seriesId;
        if (existing != null)
        {
            await writer.UpdateAsync(existing.Id, incoming);
            return new IndexCommitResult(true, false, null, [existing.BlobKey, existing.MetadataKey]);
        }
        await writer.InsertAsync(incoming);
        return new IndexCommitResult(true, false, null, []);
    }

    /// <summary>
    /// True when the stored instance has the incoming one's bytes. An instance stored by an earlier version carries a
    /// SHA-256 instead of a <see cref="ContentHash"/>: then the incoming bytes are hashed the same way (once per such
    /// instance re-sent, while holding the index for it).
    /// </summary>
    private static async Task<bool> SameContentAsync(string stored, IndexRows rows) =>
        stored == rows.Instance.ContentHash
        || (ContentHash.IsSha256(stored) && rows.Sha256 != null && stored == await rows.Sha256());

    /// <summary>Keys found or created within one group, and the studies and series to touch; forgotten with a rolled back savepoint.</summary>
    private sealed class GroupKeys
    {
        private readonly List<(long Study, long Series)> _pendingTouches = [];
        public Dictionary<string, long> Patients { get; } = [];
        public Dictionary<string, long> Studies { get; } = [];
        public Dictionary<string, long> Series { get; } = [];
        public HashSet<long> TouchedStudies { get; } = [];
        public HashSet<long> TouchedSeries { get; } = [];

        public void Touch(long study, long series) => _pendingTouches.Add((study, series));

        public void Keep()
        {
            foreach (var (study, series) in _pendingTouches)
            {
                TouchedStudies.Add(study);
                TouchedSeries.Add(series);
            }
            _pendingTouches.Clear();
        }

        public void Forget()
        {
            // Keys created inside the rolled back savepoint no longer exist; earlier ones might, but looking again is cheap.
            Patients.Clear();
            Studies.Clear();
            Series.Clear();
            _pendingTouches.Clear();
        }
    }

    /// <summary>An open index connection with its row writer.</summary>
    private sealed class WriterSession : IDisposable
    {
        private readonly DicomIndexContext _db;

        private WriterSession(DicomIndexContext db, IndexRowWriter writer)
        {
            _db = db;
            Writer = writer;
        }

        public DbConnection Connection => _db.Database.GetDbConnection();
        public IndexRowWriter Writer { get; }

        public static async Task<WriterSession> OpenAsync(IDbContextFactory<DicomIndexContext> contexts, StorageOptions options)
        {
            var db = await contexts.CreateDbContextAsync(CancellationToken.None);
            try
            {
                var connection = db.Database.GetDbConnection();
                await connection.OpenAsync(CancellationToken.None);
                if (options.Provider == IndexProvider.Sqlite && !options.FlushToDisk)
                {
                    // Without FlushToDisk nothing else is fsynced either; a WAL not synced at each commit stays consistent.
                    await using var pragma = connection.CreateCommand();
                    pragma.CommandText = "PRAGMA synchronous=NORMAL";
                    await pragma.ExecuteNonQueryAsync(CancellationToken.None);
                }
                return new WriterSession(db, new IndexRowWriter(connection, IndexStatements.For(db)));
            }
            catch
            {
                await db.DisposeAsync();
                throw;
            }
        }

        public void Dispose()
        {
            Writer.Dispose();
            Connection.Close();
            _db.Dispose();
        }
    }

    /// <summary>Rolling back one instance's savepoint failed: the whole group fails.</summary>
    private sealed class TransactionLostException(Exception inner) : Exception("the index transaction was lost: " + inner.Message, inner);

    /// <summary>Rows waiting in the queue: taken by one committer, or withdrawn by a cancelled store, never both.</summary>
    private sealed class QueuedRows(IndexRows rows)
    {
        private const int Waiting = 0, Taken = 1, Withdrawn = 2;
        private int _state;

        public IndexRows Rows { get; } = rows;
        public TaskCompletionSource<IndexCommitResult> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public bool IsWaiting => Volatile.Read(ref _state) == Waiting;
        public bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Waiting) == Waiting;
        public bool TryWithdraw() => Interlocked.CompareExchange(ref _state, Withdrawn, Waiting) == Waiting;
    }
}
