using DicomWeb.Storage.Index;
using Microsoft.EntityFrameworkCore;

namespace DicomWeb.Storage.Retrieval;

/// <summary>
/// Read-side queries over the index for WADO: the instances of a study, series or instance with where their bytes,
/// metadata and frames lie. One indexed query per request; a miss costs two more to say which level is missing.
/// </summary>
public sealed class InstanceCatalog(IDbContextFactory<DicomIndexContext> contexts)
{
    /// <summary>Finds the instances under a study, optionally narrowed to one series and one instance.</summary>
    /// <param name="studyUid">Study Instance UID.</param>
    /// <param name="seriesUid">Series Instance UID, or null for the whole study.</param>
    /// <param name="sopUid">SOP Instance UID (requires <paramref name="seriesUid"/>), or null for the whole series.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    public async Task<RetrievalResult> FindAsync(string studyUid, string? seriesUid, string? sopUid, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(studyUid);
        if (sopUid != null && seriesUid == null) throw new ArgumentException("an instance is found within a series", nameof(seriesUid));
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);

        var instances = db.Instances.AsNoTracking();
        if (sopUid != null) instances = instances.Where(i => i.SopInstanceUid == sopUid);
        var series = db.Series.AsNoTracking();
        if (seriesUid != null) series = series.Where(s => s.SeriesInstanceUid == seriesUid);
        var studies = db.Studies.AsNoTracking().Where(s => s.StudyInstanceUid == studyUid);

        var rows = await (
                from i in instances
                join se in series on i.SeriesRecordId equals se.Id
                join st in studies on se.StudyRecordId equals st.Id
                orderby se.SeriesNumber, se.Id, i.InstanceNumber, i.Id
                select new StoredInstance(st.StudyInstanceUid, se.SeriesInstanceUid, i.SopInstanceUid, i.SopClassUid, i.TransferSyntaxUid,
                    i.BlobKey, i.MetadataKey, i.Size, i.Sha256, i.Frames, i.NumberOfFrames, i.Rows, i.Columns, i.BitsAllocated, i.StoredAt))
            .ToListAsync(cancellationToken);
        if (rows.Count > 0)
        {
            // SQLite hands DateTime back unspecified; the index stores UTC.
            for (var k = 0; k < rows.Count; k++)
                if (rows[k].StoredAt.Kind != DateTimeKind.Utc) rows[k] = rows[k] with { StoredAt = DateTime.SpecifyKind(rows[k].StoredAt, DateTimeKind.Utc) };
            return new RetrievalResult(rows, null, null);
        }

        if (!await db.Studies.AnyAsync(s => s.StudyInstanceUid == studyUid && s.Series.Any(se => se.Instances.Any()), cancellationToken))
            return new RetrievalResult([], ResourceLevel.Study, $"study {studyUid} is not stored here");
        if (seriesUid != null && !await db.Series.AnyAsync(s => s.SeriesInstanceUid == seriesUid && s.Study!.StudyInstanceUid == studyUid && s.Instances.Any(), cancellationToken))
            return new RetrievalResult([], ResourceLevel.Series, $"series {seriesUid} is not stored in study {studyUid}");
        return new RetrievalResult([], ResourceLevel.Instance, $"instance {sopUid} is not stored in series {seriesUid} of study {studyUid}");
    }
}
