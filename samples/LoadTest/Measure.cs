using System.Diagnostics;

namespace DicomWeb.LoadTest;

/// <summary>Throughput or latency of one kind of request against one target.</summary>
internal sealed record Measurement(string Target, string Case, int Clients, int Requests, long Bytes, TimeSpan Elapsed, double[] LatenciesMs, int Failed)
{
    public double RequestsPerSecond => Requests / Elapsed.TotalSeconds;
    public double MegabytesPerSecond => Bytes / 1e6 / Elapsed.TotalSeconds;
    public double Percentile(double p) => LatenciesMs.Length == 0 ? 0 : LatenciesMs[Math.Min(LatenciesMs.Length - 1, (int)(p * LatenciesMs.Length))];

    public override string ToString() =>
        $"{Target,-10} {Case,-22} clients={Clients,-2} {RequestsPerSecond,9:F1} req/s {MegabytesPerSecond,9:F1} MB/s  p50 {Percentile(0.5),8:F2} ms  p95 {Percentile(0.95),8:F2} ms  failed {Failed}";
}

/// <summary>Runs requests from N concurrent clients for a fixed time (or count) and records bytes and latencies.</summary>
internal static class Measure
{
    /// <summary>
    /// Sends requests made by <paramref name="request"/> (given a running counter) from <paramref name="clients"/> clients
    /// for <paramref name="duration"/> or until <paramref name="maxRequests"/> have been sent, reading each body to its end.
    /// </summary>
    public static async Task<Measurement> RunAsync(HttpClient http, string target, string name, int clients, TimeSpan duration, int maxRequests,
        Func<int, HttpRequestMessage> request)
    {
        var latencies = new List<double>[clients];
        long bytes = 0;
        var failed = 0;
        var sent = -1;
        var watch = Stopwatch.StartNew();
        var deadline = watch.Elapsed + duration;
        var workers = Enumerable.Range(0, clients).Select(async worker =>
        {
            latencies[worker] = [];
            var buffer = new byte[256 * 1024];
            int index;
            while (watch.Elapsed < deadline && (index = Interlocked.Increment(ref sent)) < maxRequests)
            {
                var started = Stopwatch.GetTimestamp();
                using var message = request(index);
                using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead);
                await using var body = await response.Content.ReadAsStreamAsync();
                long total = 0;
                int n;
                while ((n = await body.ReadAsync(buffer)) > 0) total += n;
                latencies[worker].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                Interlocked.Add(ref bytes, total);
                if (!response.IsSuccessStatusCode) Interlocked.Increment(ref failed);
            }
        }).ToList();
        await Task.WhenAll(workers);
        watch.Stop();
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new Measurement(target, name, clients, all.Length, bytes, watch.Elapsed, all, failed);
    }

    /// <summary>Peak resident memory (VmHWM) of a process, in MB, or null when it cannot be read.</summary>
    public static double? PeakRssMegabytes(int? pid)
    {
        if (pid == null) return null;
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line == null ? null : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
