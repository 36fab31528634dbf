using System.Data.Common;
using DicomWeb.Storage.Query;
using Microsoft.EntityFrameworkCore;

namespace DicomWeb.Storage.Tests;

/// <summary><see cref="IndexSearch"/> and <see cref="SearchFilters"/> against a real SQLite index filled directly.</summary>
public sealed class QuerySearchTests
{
    private const string Ct = "1.2.840.10008.5.1.4.1.1.2";
    private const string Sr = "1.2.840.10008.5.1.4.1.1.88.11";
    private static readonly SearchOptions Options = new() { MaxResults = 1000 };

    private static SearchQuery Parse(string query, QueryLevel level = QueryLevel.Study) =>
        SearchQueryParser.Parse(level, null, null,
            query.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2)).Select(p => new KeyValuePair<string, string?>(p[0], p[1])),
            Options);

    private static async Task<List<SearchRow>> Rows(QueryIndex index, string query, QueryLevel level = QueryLevel.Study)
    {
        var parsed = Parse(query, level);
        var rows = new List<SearchRow>();
        await foreach (var row in index.Search(Options).ReadRowsAsync(parsed, new ResultPlan(parsed))) rows.Add(row);
        return rows;
    }

    private static async Task<string[]> PatientIds(QueryIndex index, string query) =>
        (await Rows(index, query)).Select(r => r.PatientId!).Order().ToArray();

    [Fact]
    public async Task Pattern_characters_of_sql_are_literal_and_only_dicom_wildcards_are_wild()
    {
        await using var index = new QueryIndex();
        index.AddStudy("50%_off[1]");
        index.AddStudy("50abcoff11");
        index.AddStudy("5*?");
        Assert.Equal(["50%_off[1]"], await PatientIds(index, "PatientID=50%_off[1]"));
        Assert.Equal(["50%_off[1]"], await PatientIds(index, "PatientID=50%*[1]"));
        Assert.Equal(["50%_off[1]", "50abcoff11"], await PatientIds(index, "PatientID=50*off?1*"));
        Assert.Equal(["5*?"], await PatientIds(index, "PatientID=5??"));
        Assert.Empty(await PatientIds(index, "PatientID=50_*"));
    }

    [Fact]
    public async Task Names_match_the_alphabetic_group_of_multi_group_values()
    {
        await using var index = new QueryIndex();
        index.AddStudy("J", "Yamada^Tarou=山田^太郎=やまだ^たろう");
        index.AddStudy("K", "Yamada^Taro");
        Assert.Equal(["J"], await PatientIds(index, "PatientName=yamada^tarou"));
        Assert.Equal(["J"], await PatientIds(index, "PatientName=Yamada^Tarou=山田^太郎=やまだ^たろう"));
        Assert.Equal(["J", "K"], await PatientIds(index, "PatientName=YAMADA^TARO*"));
        Assert.Empty(await PatientIds(index, "PatientName=Yamada"));
        Assert.Equal(["J"], await PatientIds(index, "PatientName=*山田*"));
        Assert.Equal(["J"], await PatientIds(index, "fuzzymatching=true&PatientName=たろう"));
    }

    [Fact]
    public async Task Stored_times_match_over_the_span_they_cover()
    {
        await using var index = new QueryIndex();
        index.AddStudy("hour", date: "20200101", time: "10");
        index.AddStudy("minute", date: "20200101", time: "1015");
        index.AddStudy("fraction", date: "20200102", time: "103000.25");
        index.AddStudy("none", date: "20200103");
        Assert.Equal(["fraction", "hour"], await PatientIds(index, "StudyTime=1030-1045"));
        Assert.Equal(["hour", "minute"], await PatientIds(index, "StudyTime=101530"));
        Assert.Equal(["fraction", "hour"], await PatientIds(index, "StudyTime=103000.2-103000.3"));
        Assert.Equal(["hour"], await PatientIds(index, "StudyTime=103000.26-"));
        Assert.Equal(["fraction", "hour", "minute", "none"], await PatientIds(index, "StudyDate=20200101-&StudyTime=0900-"));
        Assert.Equal(["fraction", "none"], await PatientIds(index, "StudyDate=20200101-&StudyTime=1100-"));
    }

    [Fact]
    public async Task Computed_attributes_are_right_across_chunk_boundaries()
    {
        await using var index = new QueryIndex();
        var count = IndexSearch.ChunkSize * 2 + 17;
        for (var i = 0; i < count; i++)
            index.AddStudy($"C{i:D4}", series: i % 2 == 0 ? [("CT", i % 5 + 1, Ct)] : [("MR", 1, Ct), ("SR", 2, Sr), ("MR", 3, Ct)]);
        var rows = await Rows(index, "");
        Assert.Equal(count, rows.Count);
        Assert.Equal(rows.OrderBy(r => r.StudyKey).Select(r => r.StudyKey), rows.Select(r => r.StudyKey));
        for (var i = 0; i < count; i++)
        {
            var row = rows[i];
            Assert.Equal($"C{i:D4}", row.PatientId);
            if (i % 2 == 0)
            {
                Assert.Equal((1, i % 5 + 1), (row.NumberOfStudyRelatedSeries, row.NumberOfStudyRelatedInstances));
                Assert.Equal(["CT"], row.ModalitiesInStudy);
                Assert.Equal([Ct], row.SopClassesInStudy);
            }
            else
            {
                Assert.Equal((3, 6), (row.NumberOfStudyRelatedSeries, row.NumberOfStudyRelatedInstances));
                Assert.Equal(["MR", "SR"], row.ModalitiesInStudy);
                Assert.Equal([Ct, Sr], row.SopClassesInStudy);
            }
        }
        var series = await Rows(index, "PatientID=C0001", QueryLevel.Series);
        Assert.Equal([1, 2, 3], series.Select(s => s.NumberOfSeriesRelatedInstances));
        Assert.All(series, s => Assert.Equal(6, s.NumberOfStudyRelatedInstances));
    }

    [Fact]
    public async Task Counting_ignores_paging_and_pages_partition_the_matches()
    {
        await using var index = new QueryIndex();
        for (var i = 0; i < 23; i++) index.AddStudy($"P{i:D2}", date: $"202001{i % 28 + 1:D2}");
        var search = index.Search(Options);
        Assert.Equal(10, await search.CountAsync(Parse("StudyDate=20200105-20200114&limit=3&offset=2")));
        var pages = new List<string>();
        for (var offset = 0; offset < 10; offset += 4)
            pages.AddRange((await Rows(index, $"StudyDate=20200105-20200114&limit=4&offset={offset}")).Select(r => r.PatientId!));
        Assert.Equal(Enumerable.Range(4, 10).Select(i => $"P{i:D2}"), pages);
    }

    [Fact]
    public async Task Query_values_reach_sql_as_parameters_not_literals()
    {
        await using var index = new QueryIndex();
        await using var db = index.CreateDbContext();
        var sql = index.Search(Options).RowQuery(db, Parse("PatientID=SECRET-1'; DROP TABLE Studies;--&PatientName=ZZTOP*&StudyDate=20200101-"), false)
            .ToQueryString();
        var statement = string.Join('\n', sql.Split('\n').Where(l => !l.StartsWith(".param")));
        Assert.DoesNotContain("SECRET", statement);
        Assert.DoesNotContain("ZZTOP", statement);
        Assert.DoesNotContain("20200101", statement);
        Assert.Contains("GLOB", statement);
        Assert.Contains("SECRET-1'", sql);
    }

    [Theory]
    [InlineData("PatientID=X", "IX_Patients_PatientId")]
    [InlineData("PatientName=DOE*", "IX_Patients_PatientNameFolded")]
    [InlineData("AccessionNumber=A1", "IX_Studies_AccessionNumber")]
    [InlineData("StudyInstanceUID=1.2.3", "IX_Studies_StudyInstanceUid")]
    public async Task Indexed_matches_are_answered_from_their_index(string query, string expectedIndex)
    {
        await using var index = new QueryIndex();
        for (var i = 0; i < 50; i++) index.AddStudy($"X{i}", $"NAME{i}^X", "20200101", null, ("CT", 1, Ct));
        await using var db = index.CreateDbContext();
        var plan = await ExplainAsync(index.Search(Options).RowQuery(db, Parse(query), false).CreateDbCommand());
        Assert.Contains(expectedIndex, plan);
    }

    [Fact]
    public async Task Series_and_instances_of_one_parent_use_the_foreign_key_indexes()
    {
        await using var index = new QueryIndex();
        var study = index.AddStudy("F", series: [("CT", 3, Ct), ("MR", 2, Ct)]);
        await using var db = index.CreateDbContext();
        var series = SearchQueryParser.Parse(QueryLevel.Series, study.StudyInstanceUid, null, [], Options);
        var seriesPlan = await ExplainAsync(index.Search(Options).RowQuery(db, series, false).CreateDbCommand());
        Assert.Contains("IX_Studies_StudyInstanceUid", seriesPlan);
        Assert.Contains("IX_Series_StudyRecordId", seriesPlan);
        var instances = SearchQueryParser.Parse(QueryLevel.Instance, study.StudyInstanceUid, study.Series[0].SeriesInstanceUid, [], Options);
        var instancePlan = await ExplainAsync(index.Search(Options).RowQuery(db, instances, false).CreateDbCommand());
        Assert.Contains("IX_Series_SeriesInstanceUid", instancePlan);
        Assert.Contains("IX_Instances_SeriesRecordId", instancePlan);
        Assert.Equal(3, (await index.Search(Options).RowQuery(db, instances, false).ToListAsync()).Count);
    }

    private static async Task<string> ExplainAsync(DbCommand command)
    {
        await using (command)
        {
            await command.Connection!.OpenAsync();
            command.CommandText = "EXPLAIN QUERY PLAN " + command.CommandText;
            var lines = new List<string>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) lines.Add(reader.GetString(3));
            return string.Join('\n', lines);
        }
    }
}
