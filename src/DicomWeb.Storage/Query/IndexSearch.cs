using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using DicomWeb.Dicom;
using DicomWeb.Storage.Blobs;
using DicomWeb.Storage.Index;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace DicomWeb.Storage.Query;

/// <summary>The outcome of a search: how many more results match beyond the page (when the server cut it), and the results.</summary>
/// <param name="AdditionalResults">Results beyond this page that the server's maximum left out; null when the client's limit applied or nothing was left out.</param>
/// <param name="Results">The results, read from the index as they are enumerated.</param>
public sealed record SearchResult(int? AdditionalResults, IAsyncEnumerable<DicomDataset> Results);

/// <summary>
/// Runs QIDO-RS searches against the index: one statement for the page of matching records (ordered by index key so
/// that pages are stable and disjoint), then, per chunk of rows, grouped statements for the computed attributes, and
/// the stored metadata only when the query asks for attributes the index does not hold.
/// </summary>
public sealed class IndexSearch(IDbContextFactory<DicomIndexContext> contexts, IBlobStore blobs, SearchOptions options, ILogger<IndexSearch> logger)
{
    /// <summary>Rows read before their computed attributes are fetched together.</summary>
    public const int ChunkSize = 100;

    private static readonly Expression<Func<StudyRecord, SearchRow>> StudyColumns = s => new SearchRow
    {
        PatientId = s.Patient!.PatientId,
        IssuerOfPatientId = s.Patient.IssuerOfPatientId,
        PatientName = s.Patient.PatientName,
        PatientBirthDate = s.Patient.PatientBirthDate,
        PatientSex = s.Patient.PatientSex,
        StudyKey = s.Id,
        StudyInstanceUid = s.StudyInstanceUid,
        StudyDate = s.StudyDate,
        StudyTime = s.StudyTime,
        AccessionNumber = s.AccessionNumber,
        StudyId = s.StudyId,
        StudyDescription = s.StudyDescription,
        ReferringPhysicianName = s.ReferringPhysicianName,
        StudyInstitutionName = s.InstitutionName,
        TimezoneOffsetFromUtc = s.TimezoneOffsetFromUtc,
        PatientAge = s.PatientAge,
    };

    private static readonly Expression<Func<SeriesRecord, SearchRow>> SeriesColumns = s => new SearchRow
    {
        SeriesKey = s.Id,
        SeriesInstanceUid = s.SeriesInstanceUid,
        Modality = s.Modality,
        SeriesNumber = s.SeriesNumber,
        SeriesDescription = s.SeriesDescription,
        SeriesDate = s.SeriesDate,
        SeriesTime = s.SeriesTime,
        PerformedProcedureStepStartDate = s.PerformedProcedureStepStartDate,
        PerformedProcedureStepStartTime = s.PerformedProcedureStepStartTime,
        RequestedProcedureId = s.RequestedProcedureId,
        ScheduledProcedureStepId = s.ScheduledProcedureStepId,
        Manufacturer = s.Manufacturer,
        ManufacturerModelName = s.ManufacturerModelName,
        BodyPartExamined = s.BodyPartExamined,
        StationName = s.StationName,
        ProtocolName = s.ProtocolName,
        SeriesInstitutionName = s.InstitutionName,
    };

    private static readonly Expression<Func<InstanceRecord, SearchRow>> InstanceColumns = i => new SearchRow
    {
        InstanceKey = i.Id,
        SopInstanceUid = i.SopInstanceUid,
        SopClassUid = i.SopClassUid,
        InstanceNumber = i.InstanceNumber,
        Rows = i.Rows,
        Columns = i.Columns,
        BitsAllocated = i.BitsAllocated,
        NumberOfFrames = i.NumberOfFrames,
        ContentDate = i.ContentDate,
        ContentTime = i.ContentTime,
    };

    private static readonly Expression<Func<StudyRecord, SearchRow>> StudyRow = StudyColumns;
    private static readonly Expression<Func<SeriesRecord, SearchRow>> SeriesRow = Merge(SeriesColumns, (StudyColumns, (Expression<Func<SeriesRecord, StudyRecord>>)(s => s.Study!)));
    private static readonly Expression<Func<InstanceRecord, SearchRow>> InstanceRow = Merge(InstanceColumns,
        (SeriesColumns, (Expression<Func<InstanceRecord, SeriesRecord>>)(i => i.Series!)),
        (StudyColumns, (Expression<Func<InstanceRecord, StudyRecord>>)(i => i.Series!.Study!)));

    private static readonly Expression<Func<StudyRecord, SearchRow>> StudyRowWithMetadata =
        WithMetadataKey(StudyRow, s => s.Series.SelectMany(se => se.Instances).OrderBy(i => i.Id).Select(i => i.MetadataKey).FirstOrDefault());
    private static readonly Expression<Func<SeriesRecord, SearchRow>> SeriesRowWithMetadata =
        WithMetadataKey(SeriesRow, s => s.Instances.OrderBy(i => i.Id).Select(i => i.MetadataKey).FirstOrDefault());
    private static readonly Expression<Func<InstanceRecord, SearchRow>> InstanceRowWithMetadata = WithMetadataKey(InstanceRow, i => i.MetadataKey);

    /// <summary>
    /// Runs <paramref name="query"/>. When the server's maximum limits the page, the matches are counted first so the
    /// caller can say how many were left out; the results themselves are read as they are enumerated.
    /// </summary>
    /// <param name="query">The parsed search.</param>
    /// <param name="baseUrl">Absolute URL of the DICOMweb root, for Retrieve URL and BulkDataURIs.</param>
    /// <param name="cancellationToken">Cancels the count; enumeration takes its own token.</param>
    public async Task<SearchResult> SearchAsync(SearchQuery query, string baseUrl, CancellationToken cancellationToken = default)
    {
        int? additional = null;
        if (query.LimitedByServer)
        {
            var total = await CountAsync(query, cancellationToken);
            var beyond = total - query.Offset - query.Limit;
            if (beyond > 0) additional = beyond;
        }
        return new SearchResult(additional, ReadDatasetsAsync(query, new ResultPlan(query), baseUrl));
    }

    /// <summary>Counts every record matching the query, regardless of paging.</summary>
    public async Task<int> CountAsync(SearchQuery query, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var filters = SearchFilters.For(db, options);
        return query.Level switch
        {
            QueryLevel.Study => await filters.Apply(db.Studies.AsNoTracking(), query).CountAsync(cancellationToken),
            QueryLevel.Series => await filters.Apply(db.Series.AsNoTracking(), query).CountAsync(cancellationToken),
            _ => await filters.Apply(db.Instances.AsNoTracking(), query).CountAsync(cancellationToken),
        };
    }

    /// <summary>The statement for one page of rows (without computed attributes); see <c>ToQueryString()</c> for its SQL.</summary>
    public IQueryable<SearchRow> RowQuery(DicomIndexContext db, SearchQuery query, bool withMetadataKey)
    {
        var filters = SearchFilters.For(db, options);
        return query.Level switch
        {
            QueryLevel.Study => filters.Apply(db.Studies.AsNoTracking(), query).OrderBy(s => s.Id).Skip(query.Offset).Take(query.Limit)
                .Select(withMetadataKey ? StudyRowWithMetadata : StudyRow),
            QueryLevel.Series => filters.Apply(db.Series.AsNoTracking(), query).OrderBy(s => s.Id).Skip(query.Offset).Take(query.Limit)
                .Select(withMetadataKey ? SeriesRowWithMetadata : SeriesRow),
            _ => filters.Apply(db.Instances.AsNoTracking(), query).OrderBy(i => i.Id).Skip(query.Offset).Take(query.Limit)
                .Select(withMetadataKey ? InstanceRowWithMetadata : InstanceRow),
        };
    }

    /// <summary>The page of rows with their computed attributes, read chunk by chunk.</summary>
    public async IAsyncEnumerable<SearchRow> ReadRowsAsync(SearchQuery query, ResultPlan plan,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        DicomIndexContext? aggregates = null;
        try
        {
            var chunk = new List<SearchRow>(Math.Min(ChunkSize, query.Limit));
            await foreach (var row in RowQuery(db, query, plan.NeedsMetadata).AsAsyncEnumerable().WithCancellation(cancellationToken))
            {
                chunk.Add(row);
                if (chunk.Count < ChunkSize) continue;
                aggregates ??= await contexts.CreateDbContextAsync(cancellationToken);
                await ComputeAsync(aggregates, chunk, plan, cancellationToken);
                foreach (var ready in chunk) yield return ready;
                chunk.Clear();
            }
            if (chunk.Count == 0) yield break;
            aggregates ??= await contexts.CreateDbContextAsync(cancellationToken);
            await ComputeAsync(aggregates, chunk, plan, cancellationToken);
            foreach (var ready in chunk) yield return ready;
        }
        finally
        {
            if (aggregates != null) await aggregates.DisposeAsync();
        }
    }

    private async IAsyncEnumerable<DicomDataset> ReadDatasetsAsync(SearchQuery query, ResultPlan plan, string baseUrl,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var row in ReadRowsAsync(query, plan, cancellationToken))
        {
            var metadata = plan.NeedsMetadata && row.MetadataKey != null ? await ReadMetadataAsync(row.MetadataKey, cancellationToken) : null;
            yield return SearchResultBuilder.Build(row, plan, baseUrl, metadata);
        }
    }

    private async Task<DicomDataset?> ReadMetadataAsync(string key, CancellationToken cancellationToken)
    {
        await using var stream = await blobs.OpenReadAsync(key, cancellationToken);
        if (stream == null)
        {
            logger.LogWarning("metadata blob {Key} is missing; result without its stored attributes", key);
            return null;
        }
        try
        {
            return await DicomJsonReader.ReadAsync(stream, cancellationToken);
        }
        catch (DicomJsonException e)
        {
            logger.LogWarning(e, "metadata blob {Key} is not readable DICOM JSON; result without its stored attributes", key);
            return null;
        }
    }

    private static async Task ComputeAsync(DicomIndexContext db, List<SearchRow> rows, ResultPlan plan, CancellationToken cancellationToken)
    {
        if (plan.NeedsStudyAggregates)
        {
            // One grouped statement, answered from the (StudyRecordId, Modality) and (SeriesRecordId, SopClassUid) indexes;
            // the keys travel as one array parameter (json_each on SQLite, = ANY on PostgreSQL) rather than a hundred.
            var studies = rows.Select(r => r.StudyKey).Distinct().ToList();
            var groups = await db.Instances.AsNoTracking().Where(i => EF.Parameter(studies).Contains(i.Series!.StudyRecordId))
                .GroupBy(i => new { i.Series!.StudyRecordId, i.SeriesRecordId, i.Series.Modality, i.SopClassUid })
                .Select(g => new { g.Key.StudyRecordId, g.Key.SeriesRecordId, g.Key.Modality, g.Key.SopClassUid, Count = g.Count() })
                .ToListAsync(cancellationToken);
            var byStudy = groups.ToLookup(g => g.StudyRecordId);
            foreach (var row in rows)
            {
                var ofStudy = byStudy[row.StudyKey];
                row.NumberOfStudyRelatedSeries = ofStudy.Select(g => g.SeriesRecordId).Distinct().Count();
                row.NumberOfStudyRelatedInstances = ofStudy.Sum(g => g.Count);
                row.ModalitiesInStudy = ofStudy.Where(g => !string.IsNullOrEmpty(g.Modality)).Select(g => g.Modality!).Distinct().Order(StringComparer.Ordinal).ToList();
                row.SopClassesInStudy = ofStudy.Select(g => g.SopClassUid).Distinct().Order(StringComparer.Ordinal).ToList();
            }
        }
        if (plan.NeedsSeriesCounts)
        {
            var seriesKeys = rows.Select(r => r.SeriesKey).Distinct().ToList();
            var counts = await db.Instances.AsNoTracking().Where(i => EF.Parameter(seriesKeys).Contains(i.SeriesRecordId))
                .GroupBy(i => i.SeriesRecordId)
                .Select(g => new { g.Key, Count = g.Count() })
                .ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
            foreach (var row in rows) row.NumberOfSeriesRelatedInstances = counts.GetValueOrDefault(row.SeriesKey);
        }
    }

    /// <summary>One member-init projection out of several, each over a record reached from the root by a navigation.</summary>
    private static Expression<Func<TRoot, SearchRow>> Merge<TRoot>(Expression<Func<TRoot, SearchRow>> own, params (LambdaExpression Columns, LambdaExpression Navigation)[] parents)
    {
        var root = own.Parameters[0];
        var bindings = new List<MemberBinding>(((MemberInitExpression)own.Body).Bindings);
        foreach (var (columns, navigation) in parents)
        {
            var target = new ParameterReplacer(navigation.Parameters[0], root).Visit(navigation.Body);
            var init = (MemberInitExpression)new ParameterReplacer(columns.Parameters[0], target).Visit(columns.Body);
            bindings.AddRange(init.Bindings);
        }
        return Expression.Lambda<Func<TRoot, SearchRow>>(Expression.MemberInit(Expression.New(typeof(SearchRow)), bindings), root);
    }

    private static Expression<Func<TRoot, SearchRow>> WithMetadataKey<TRoot>(Expression<Func<TRoot, SearchRow>> projection, Expression<Func<TRoot, string?>> key)
    {
        var init = (MemberInitExpression)projection.Body;
        var value = new ParameterReplacer(key.Parameters[0], projection.Parameters[0]).Visit(key.Body);
        var binding = Expression.Bind(typeof(SearchRow).GetProperty(nameof(SearchRow.MetadataKey))!, value);
        return Expression.Lambda<Func<TRoot, SearchRow>>(Expression.MemberInit(init.NewExpression, [.. init.Bindings, binding]), projection.Parameters);
    }

    private sealed class ParameterReplacer(ParameterExpression parameter, Expression replacement) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == parameter ? replacement : node;
    }
}
