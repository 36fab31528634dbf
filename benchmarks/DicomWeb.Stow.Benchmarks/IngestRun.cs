using System.Diagnostics;
using System.Net.Http.Headers;

namespace DicomWeb.Stow.Benchmarks;

/// <summary>One measurement: files posted one per STOW-RS request by N concurrent clients.</summary>
/// <param name="ServerCpu">CPU time (user + system) the server process used during the run.</param>
/// <param name="ClientCpu">CPU time this benchmark process (the clients) used during the run.</param>
internal sealed record IngestResult(string Target, string Label, int Clients, int Files, long Bytes, TimeSpan Elapsed, double PeakRssMegabytes, int Failed,
    TimeSpan ServerCpu, TimeSpan ClientCpu)
{
    public double InstancesPerSecond => Files / Elapsed.TotalSeconds;
    public double MegabytesPerSecond => Bytes / 1e6 / Elapsed.TotalSeconds;

    /// <summary>Server CPU milliseconds per instance: what the server spends, whatever the clients cost.</summary>
    public double ServerCpuPerInstance => ServerCpu.TotalMilliseconds / Files;

    /// <summary>Client CPU milliseconds per instance.</summary>
    public double ClientCpuPerInstance => ClientCpu.TotalMilliseconds / Files;

    public override string ToString() =>
        $"{Target,-9} {Label,-6} clients={Clients} {InstancesPerSecond,8:F1} inst/s {MegabytesPerSecond,8:F1} MB/s peak RSS {PeakRssMegabytes:F0} MB " +
        $"CPU/inst server {ServerCpuPerInstance:F2} ms client {ClientCpuPerInstance:F2} ms failed {Failed}";
}

internal static class IngestRun
{
    /// <summary>Warm-up instances are sent in batches of this many, checking the server's JIT between batches.</summary>
    private const int WarmupBatch = 500;

    /// <summary>Every target stores at least this many warm-up instances, JIT or not.</summary>
    private const int MinimumWarmup = 1000;

    /// <summary>A batch during which the tiered compilation thread used less CPU than this counts as steady state.</summary>
    private static readonly TimeSpan QuietCompilation = TimeSpan.FromMilliseconds(30);

    /// <summary>
    /// Stores distinct warm-up instances (2 clients) until the server is in steady state: at least
    /// <see cref="MinimumWarmup"/>, then batch after batch until one passes in which the tiered compilation thread of a
    /// .NET server stayed nearly idle, or the files run out. Returns a line describing what it took.
    /// </summary>
    public static async Task<string> WarmUpAsync(RunningServer server, IReadOnlyList<FileInfo> files)
    {
        var sent = 0;
        var compiled = new List<long>();
        for (var start = 0; start < files.Count; start += WarmupBatch)
        {
            var before = server.TieredCompilationTime();
            var batch = files.Skip(start).Take(WarmupBatch).ToList();
            await RunAsync(server, "warmup", batch, 2);
            sent += batch.Count;
            // A thread that appeared during the batch compiled all its time in it; one that is gone has nothing left to do.
            var spent = server.TieredCompilationTime() is { } after ? after - (before ?? TimeSpan.Zero) : (TimeSpan?)null;
            if (spent is { } compiling) compiled.Add((long)compiling.TotalMilliseconds);
            if (sent >= MinimumWarmup && (spent == null || spent < QuietCompilation))
                return $"warm-up {sent} instances" + (compiled.Count > 0 ? $", tiered compilation per {WarmupBatch}: {string.Join(' ', compiled)} ms" : "");
        }
        return $"warm-up {sent} instances, tiered compilation NOT quiet (per {WarmupBatch}: {string.Join(' ', compiled)} ms)";
    }

    public static async Task<IngestResult> RunAsync(RunningServer server, string label, IReadOnlyList<FileInfo> files, int clients)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
        var next = -1;
        var failed = 0;
        var serverCpu = server.ProcessorTime();
        var clientCpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, clients).Select(async _ =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < files.Count)
            {
                using var response = await http.PostAsync(server.BaseUrl + "/studies", Body(files[index]));
                if (!response.IsSuccessStatusCode) Interlocked.Increment(ref failed);
            }
        });
        await Task.WhenAll(workers);
        watch.Stop();
        return new IngestResult(server.Name, label, clients, files.Count, files.Sum(f => f.Length), watch.Elapsed, server.PeakRssMegabytes(), failed,
            server.ProcessorTime() - serverCpu, Process.GetCurrentProcess().TotalProcessorTime - clientCpu);
    }

    /// <summary>A one-part multipart/related body streaming the file from disk.</summary>
    private static MultipartContent Body(FileInfo file)
    {
        var content = new MultipartContent("related", "bench-" + Guid.NewGuid().ToString("N"));
        content.Headers.ContentType!.Parameters.Add(new NameValueHeaderValue("type", "\"application/dicom\""));
        var part = new StreamContent(file.OpenRead(), 128 * 1024);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
        content.Add(part);
        return content;
    }
}
