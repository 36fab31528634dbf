using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace DicomWeb.Qido.Benchmarks;

/// <summary>One benchmarked search: a name and a way to make the next request path (values drawn from the target's own data).</summary>
internal sealed record QueryKind(string Name, Func<Random, string> NextPath);

/// <summary>Latency and throughput of one query kind at one concurrency.</summary>
internal sealed record LoadResult(string Query, int Clients, int Requests, int Errors, double P50Ms, double P99Ms, double RequestsPerSecond, long Bytes);

/// <summary>
/// Values to search for, read from the target over QIDO-RS itself (studies at a few offsets, then their series), so the same
/// queries can be fired at this server or at any other DICOMweb server holding comparable data.
/// </summary>
internal sealed class SampleValues
{
    public List<string> PatientIds { get; } = [];
    public List<string> NamePrefixes { get; } = [];
    public List<string> Months { get; } = [];
    public List<string> StudyUids { get; } = [];
    public List<(string Study, string Series)> Series { get; } = [];

    public static async Task<SampleValues> DiscoverAsync(HttpClient client, int studyCount, Random random)
    {
        var samples = new SampleValues();
        var offsets = Enumerable.Range(0, 5).Select(_ => random.Next(Math.Max(1, studyCount - 100))).Prepend(0).Distinct();
        foreach (var offset in offsets)
            foreach (var study in await GetArrayAsync(client, $"studies?limit=100&offset={offset}"))
            {
                if (Text(study, "00100020") is { } id) samples.PatientIds.Add(id);
                if (Text(study, "00100010") is { Length: >= 3 } name) samples.NamePrefixes.Add(name[..3]);
                if (Text(study, "00080020") is { Length: 8 } date) samples.Months.Add(date[..6]);
                if (Text(study, "0020000D") is { } uid) samples.StudyUids.Add(uid);
            }
        if (samples.StudyUids.Count == 0) throw new InvalidOperationException("the target has no studies to search for");
        foreach (var study in samples.StudyUids.OrderBy(_ => random.Next()).Take(50))
            foreach (var series in await GetArrayAsync(client, $"studies/{study}/series"))
                if (Text(series, "0020000E") is { } uid) samples.Series.Add((study, uid));
        return samples;
    }

    public IReadOnlyList<QueryKind> Queries()
    {
        static T Pick<T>(Random random, List<T> list) => list[random.Next(list.Count)];
        return
        [
            new("all studies, limit=100", _ => "studies?limit=100"),
            new("PatientID exact", r => $"studies?PatientID={Uri.EscapeDataString(Pick(r, PatientIds))}"),
            new("PatientName prefix*, limit=100", r => $"studies?PatientName={Uri.EscapeDataString(Pick(r, NamePrefixes))}*&limit=100"),
            new("StudyDate one-month range, limit=100", r =>
            {
                var month = Pick(r, Months);
                var days = DateTime.DaysInMonth(int.Parse(month[..4]), int.Parse(month[4..]));
                return $"studies?StudyDate={month}01-{month}{days:D2}&limit=100";
            }),
            new("ModalitiesInStudy=CT, limit=100", _ => "studies?ModalitiesInStudy=CT&limit=100"),
            new("series of one study", r => $"studies/{Pick(r, StudyUids)}/series"),
            new("instances of one series", r =>
            {
                var (study, series) = Pick(r, Series);
                return $"studies/{study}/series/{series}/instances";
            }),
        ];
    }

    private static async Task<List<JsonElement>> GetArrayAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        if (response.StatusCode == HttpStatusCode.NoContent) return [];
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
    }

    private static string? Text(JsonElement result, string tag)
    {
        if (!result.TryGetProperty(tag, out var attribute) || !attribute.TryGetProperty("Value", out var values) || values.GetArrayLength() == 0) return null;
        var first = values[0];
        if (first.ValueKind == JsonValueKind.Object) return first.TryGetProperty("Alphabetic", out var alphabetic) ? alphabetic.GetString() : null;
        return first.ValueKind == JsonValueKind.String ? first.GetString() : null;
    }
}

/// <summary>Fires one query kind with N concurrent clients, bounded by a request count and a time limit.</summary>
internal static class QueryLoad
{
    public static async Task<LoadResult> RunAsync(HttpClient client, QueryKind query, int clients, int requests, TimeSpan limit, int warmup, int seed)
    {
        var warm = new Random(seed);
        for (var i = 0; i < warmup; i++) await SendAsync(client, query.NextPath(warm));

        var latencies = new List<double>(requests);
        var errors = 0;
        long bytes = 0;
        var remaining = requests;
        var deadline = Stopwatch.StartNew();
        var gate = new object();
        var workers = Enumerable.Range(0, clients).Select(worker => Task.Run(async () =>
        {
            var random = new Random(seed * 31 + worker);
            while (Interlocked.Decrement(ref remaining) >= 0 && deadline.Elapsed < limit)
            {
                var start = Stopwatch.GetTimestamp();
                var (ok, length) = await SendAsync(client, query.NextPath(random));
                var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                lock (gate)
                {
                    if (ok) latencies.Add(elapsed);
                    else errors++;
                    bytes += length;
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);
        var wall = deadline.Elapsed.TotalSeconds;
        latencies.Sort();
        return new LoadResult(query.Name, clients, latencies.Count, errors, Percentile(latencies, 0.50), Percentile(latencies, 0.99),
            latencies.Count / wall, bytes);
    }

    private static async Task<(bool Ok, long Length)> SendAsync(HttpClient client, string path)
    {
        try
        {
            using var response = await client.GetAsync(path, HttpCompletionOption.ResponseContentRead);
            var body = await response.Content.ReadAsByteArrayAsync();
            return (response.IsSuccessStatusCode, body.Length);
        }
        catch (HttpRequestException)
        {
            return (false, 0);
        }
    }

    private static double Percentile(List<double> sorted, double p)
    {
        if (sorted.Count == 0) return double.NaN;
        var rank = (int)Math.Ceiling(p * sorted.Count) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
    }
}
