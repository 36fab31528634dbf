using System.Data.Common;
using DicomWeb.Storage.Index;
using DicomWeb.Storage.Query;
using Microsoft.EntityFrameworkCore;

namespace DicomWeb.Qido.Benchmarks;

/// <summary>Prints the SQL EF Core sends for a search and SQLite's <c>EXPLAIN QUERY PLAN</c> for it.</summary>
internal static class SqlReport
{
    public static async Task PrintAsync(IndexSearch search, IDbContextFactory<DicomIndexContext> contexts, SearchOptions options, string title,
        QueryLevel level, string? study, string? series, string query, TextWriter output)
    {
        var pairs = query.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2))
            .Select(p => new KeyValuePair<string, string?>(p[0], Uri.UnescapeDataString(p[1])));
        var parsed = SearchQueryParser.Parse(level, study, series, pairs, options);
        await using var db = await contexts.CreateDbContextAsync();
        var rows = search.RowQuery(db, parsed, withMetadataKey: false);
        output.WriteLine($"--- {title}");
        output.WriteLine(rows.ToQueryString());
        output.WriteLine("EXPLAIN QUERY PLAN:");
        await using var command = rows.CreateDbCommand();
        await command.Connection!.OpenAsync();
        command.CommandText = "EXPLAIN QUERY PLAN " + command.CommandText;
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) output.WriteLine($"  {reader.GetInt32(0),3} {reader.GetInt32(1),3}  {reader.GetString(3)}");
        output.WriteLine();
    }
}
