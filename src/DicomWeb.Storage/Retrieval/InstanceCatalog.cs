using System.Collections.Concurrent;
using DicomWeb.Storage.Index;
using Microsoft.EntityFrameworkCore;

namespace DicomWeb.Storage.Retrieval;

/// <summary>
/// Read-side queries over the index for WADO: the instances of a study, series or instance with where their bytes,
/// metadata and frames lie. One indexed query per request; a miss costs two more to say which level is missing.
/// </summary>
/// <remarks>
/// <para>
/// One instance is looked up far more often than anything else (a viewer fetches a series instance by instance, frame by
/// frame), and at a few thousand requests a second the index query is most of the cost of a small instance. So the rows of
/// single instances are also kept in memory for <see cref="InstanceCatalogOptions.CacheLifetime"/>, read through
/// <see cref="TryGetCached"/>.
/// </para>
/// <para>
/// A cached row is only a hint and must be confirmed by opening the blob it names: blob keys carry a version minted at each
/// store and are never reused, and both a delete and a replacing store remove the old blobs after committing the index
/// change and before answering. So once a DELETE (or a new store) has been answered, by this process or by any other
/// sharing the same index and blob store, the old blob is gone, opening it fails, and the caller calls
/// <see cref="Forget"/> and asks the index again (<see cref="FindAsync"/>): a deleted instance is a 404 at once. Only if
/// removing a blob failed (it is logged and left unreferenced) or the deleting process died between its commit and the
/// removal can a cached row outlive its instance, and then only for the cache lifetime.
/// </para>
/// </remarks>
public sealed class InstanceCatalog
{
    // Compiled once: the LINQ expression is neither built nor looked up in EF's query cache per request.
    private static readonly Func<DicomIndexContext, string, CancellationToken, Task<StoredInstance?>> InstanceBySop =
        EF.CompileAsyncQuery((DicomIndexContext db, string sop, CancellationToken _) => (
                from i in db.Instances.AsNoTracking()
                where i.SopInstanceUid == sop
                join se in db.Series.AsNoTracking() on i.SeriesRecordId equals se.Id
                join st in db.Studies.AsNoTracking() on se.StudyRecordId equals st.Id
                select new StoredInstance(st.StudyInstanceUid, se.SeriesInstanceUid, i.SopInstanceUid, i.SopClassUid, i.TransferSyntaxUid,
                    i.BlobKey, i.MetadataKey, i.Size, i.ContentHash, i.Frames, i.NumberOfFrames, i.Rows, i.Columns, i.BitsAllocated, i.StoredAt))
            .FirstOrDefault());

    private readonly IDbContextFactory<DicomIndexContext> _contexts;
    private readonly ConcurrentDictionary<string, CachedInstance> _cache = new(StringComparer.Ordinal);
    private readonly long _lifetimeMs;
    private readonly int _capacity;
    private int _cached;

    /// <summary>Creates the catalog over the index.</summary>
    /// <param name="contexts">Index contexts.</param>
    /// <param name="options">Cache settings; the defaults when null.</param>
    public InstanceCatalog(IDbContextFactory<DicomIndexContext> contexts, InstanceCatalogOptions? options = null)
    {
        _contexts = contexts;
        options ??= new InstanceCatalogOptions();
        _lifetimeMs = (long)options.CacheLifetime.TotalMilliseconds;
        _capacity = options.CacheCapacity;
    }

    /// <summary>Finds the instances under a study, optionally narrowed to one series and one instance, always from the index.</summary>
    /// <param name="studyUid">Study Instance UID.</param>
    /// <param name="seriesUid">Series Instance UID, or null for the whole study.</param>
    /// <param name="sopUid">SOP Instance UID (requires <paramref name="seriesUid"/>), or null for the whole series.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    public async Task<RetrievalResult> FindAsync(string studyUid, string? seriesUid, string? sopUid, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(studyUid);
        if (sopUid != null && seriesUid == null) throw new ArgumentException("an instance is found within a series", nameof(seriesUid));
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);

        if (sopUid != null)
        {
            var row = await InstanceBySop(db, sopUid, cancellationToken);
            if (row != null && row.SeriesInstanceUid == seriesUid && row.StudyInstanceUid == studyUid)
            {
                row = InUtc(row);
                Remember(row);
                return new RetrievalResult([row], null, null);
            }
            Forget(sopUid);
            return await MissingLevelAsync(db, studyUid, seriesUid, sopUid, cancellationToken);
        }

        var instances = db.Instances.AsNoTracking();
        var series = db.Series.AsNoTracking();
        if (seriesUid != null) series = series.Where(s => s.SeriesInstanceUid == seriesUid);
        var studies = db.Studies.AsNoTracking().Where(s => s.StudyInstanceUid == studyUid);

        var rows = await (
                from i in instances
                join se in series on i.SeriesRecordId equals se.Id
                join st in studies on se.StudyRecordId equals st.Id
                orderby se.SeriesNumber, se.Id, i.InstanceNumber, i.Id
                select new StoredInstance(st.StudyInstanceUid, se.SeriesInstanceUid, i.SopInstanceUid, i.SopClassUid, i.TransferSyntaxUid,
                    i.BlobKey, i.MetadataKey, i.Size, i.ContentHash, i.Frames, i.NumberOfFrames, i.Rows, i.Columns, i.BitsAllocated, i.StoredAt))
            .ToListAsync(cancellationToken);
        if (rows.Count > 0)
        {
            for (var k = 0; k < rows.Count; k++) rows[k] = InUtc(rows[k]);
            return new RetrievalResult(rows, null, null);
        }
        return await MissingLevelAsync(db, studyUid, seriesUid, sopUid, cancellationToken);
    }

    /// <summary>
    /// The row of one instance as a recent <see cref="FindAsync"/> found it, when it is still within the cache lifetime.
    /// The caller must confirm it by opening its blob, and on failure <see cref="Forget"/> it and use <see cref="FindAsync"/>.
    /// </summary>
    public bool TryGetCached(string studyUid, string seriesUid, string sopUid, out StoredInstance instance)
    {
        if (_cache.TryGetValue(sopUid, out var entry) && Environment.TickCount64 - entry.SeenAt < _lifetimeMs
            && entry.Instance.SeriesInstanceUid == seriesUid && entry.Instance.StudyInstanceUid == studyUid)
        {
            instance = entry.Instance;
            return true;
        }
        instance = null!;
        return false;
    }

    /// <summary>Drops the cached row of an instance (its blob turned out to be gone: deleted or replaced).</summary>
    public void Forget(string sopUid)
    {
        if (_cache.TryRemove(sopUid, out _)) Interlocked.Decrement(ref _cached);
    }

    private void Remember(StoredInstance row)
    {
        if (_lifetimeMs <= 0 || _capacity <= 0) return;
        var entry = new CachedInstance(row, Environment.TickCount64);
        if (!_cache.TryAdd(row.SopInstanceUid, entry))
        {
            _cache[row.SopInstanceUid] = entry;
            return;
        }
        // Bounded the simple way: when full, start again. Refilling costs one query per instance still in use.
        if (Interlocked.Increment(ref _cached) > _capacity)
        {
            _cache.Clear();
            Interlocked.Exchange(ref _cached, 0);
        }
    }

    // SQLite hands DateTime back unspecified; the index stores UTC.
    private static StoredInstance InUtc(StoredInstance row) =>
        row.StoredAt.Kind == DateTimeKind.Utc ? row : row with { StoredAt = DateTime.SpecifyKind(row.StoredAt, DateTimeKind.Utc) };

    private static async Task<RetrievalResult> MissingLevelAsync(DicomIndexContext db, string studyUid, string? seriesUid, string? sopUid, CancellationToken cancellationToken)
    {
        if (!await db.Studies.AnyAsync(s => s.StudyInstanceUid == studyUid && s.Series.Any(se => se.Instances.Any()), cancellationToken))
            return new RetrievalResult([], ResourceLevel.Study, $"study {studyUid} is not stored here");
        if (seriesUid != null && !await db.Series.AnyAsync(s => s.SeriesInstanceUid == seriesUid && s.Study!.StudyInstanceUid == studyUid && s.Instances.Any(), cancellationToken))
            return new RetrievalResult([], ResourceLevel.Series, $"series {seriesUid} is not stored in study {studyUid}");
        return new RetrievalResult([], ResourceLevel.Instance, $"instance {sopUid} is not stored in series {seriesUid} of study {studyUid}");
    }

    private sealed record CachedInstance(StoredInstance Instance, long SeenAt);
}

/// <summary>Settings of the <see cref="InstanceCatalog"/>'s cache of single-instance rows.</summary>
public sealed class InstanceCatalogOptions
{
    /// <summary>
    /// How long a cached row may be used before the index is asked again; zero turns the cache off. It bounds how long a
    /// row can outlive its instance when removing the instance's blobs failed (see <see cref="InstanceCatalog"/>).
    /// </summary>
    public TimeSpan CacheLifetime { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Most rows held (about 1 KB each); the cache starts again empty when it would hold more.</summary>
    public int CacheCapacity { get; init; } = 20_000;
}
