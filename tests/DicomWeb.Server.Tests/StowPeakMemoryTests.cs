using System.Net;
using System.Text;
using System.Text.Json;
using DicomWeb.Dicom;
using Xunit.Abstractions;

namespace DicomWeb.Server.Tests;

/// <summary>Runs alone, after the other tests: their allocations would show in the process's peak.</summary>
[CollectionDefinition("peak memory", DisableParallelization = true)]
public sealed class PeakMemoryCollection;

/// <summary>
/// A large single-instance STOW-RS upload must not raise the process's peak memory by more than about 100 MB.
/// Server and client share this process, so the peak resident set (VmHWM, reset through /proc/self/clear_refs)
/// covers both; the body is generated while it is sent and never exists in memory. The suite sends 256 MB to stay
/// fast; for the full check run it with STOW_PEAK_MEMORY_MB=2000 (about 2 GB, some 10 s for application/dicom
/// and 25 s for metadata plus bulk data):
/// <c>STOW_PEAK_MEMORY_MB=2000 dotnet test tests/DicomWeb.Server.Tests -c Release --filter StowPeakMemoryTests --logger "console;verbosity=detailed"</c>.
/// </summary>
[Collection("peak memory")]
public sealed class StowPeakMemoryTests(ITestOutputHelper output)
{
    private const int Rows = 1024, Columns = 1024;
    private const long Budget = 100L << 20;

    [Theory]
    [InlineData("application/dicom")]
    [InlineData("application/dicom+json")]
    public async Task Large_upload_raises_peak_memory_by_less_than_100_MB(string type)
    {
        if (!OperatingSystem.IsLinux()) return;
        var megabytes = int.TryParse(Environment.GetEnvironmentVariable("STOW_PEAK_MEMORY_MB"), out var configured) ? configured : 256;
        var frames = Math.Max(2, megabytes / 2);
        await using var server = await ServerHarness.StartAsync();
        await StoreAsync(server, type, frames: 2, "2.25.7");

        var (rss, peak, seconds) = await MeasureAsync(() => StoreAsync(server, type, frames, "2.25.8"));

        var increase = peak - rss;
        output.WriteLine($"{type}: {(long)Rows * Columns * 2 * frames / 1e9:0.00} GB in {seconds:0.0} s, RSS before {rss >> 20} MB, peak {peak >> 20} MB, increase {increase >> 20} MB");
        Assert.True(increase < Budget, $"peak working set rose by {increase >> 20} MB");
    }

    private static async Task StoreAsync(ServerHarness server, string type, int frames, string sop)
    {
        var header = GeneratedInstanceStream.Dataset("2.25.1", "2.25.2", sop, Rows, Columns, frames);
        HttpContent content;
        if (type == "application/dicom")
        {
            content = new StreamedMultipartContent(type).Part(type, new GeneratedInstanceStream(header, Rows, Columns, frames));
        }
        else
        {
            var json = DicomJsonWriter.ToJson(new[] { header });
            json = json[..json.LastIndexOf('}')] + ",\"7FE00010\":{\"vr\":\"OW\",\"BulkDataURI\":\"pixels\"}}]";
            content = new StreamedMultipartContent(type)
                .Part(type, new MemoryStream(Encoding.UTF8.GetBytes(json)))
                .Part("application/octet-stream", new GeneratedInstanceStream(header, Rows, Columns, frames, withPixelDataHeader: false), "pixels");
        }
        var response = await server.Client.PostAsync("/dicom-web/studies", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var module = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(sop, module.RootElement.GetProperty("00081199").GetProperty("Value")[0].GetProperty("00081155").GetProperty("Value")[0].GetString());
    }

    private static async Task<(long Rss, long Peak, double Seconds)> MeasureAsync(Func<Task> action)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        // Writing 5 resets the peak resident set size (VmHWM) to the current one.
        await File.WriteAllTextAsync("/proc/self/clear_refs", "5");
        var rss = Status("VmRSS");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await action();
        return (rss, Status("VmHWM"), clock.Elapsed.TotalSeconds);
    }

    private static long Status(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0]) * 1024;
        throw new InvalidOperationException($"{field} not in /proc/self/status");
    }
}
