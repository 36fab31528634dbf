using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace DicomWeb.Stow.Benchmarks;

/// <summary>A STOW-RS server to measure, started fresh on an empty data folder for each run.</summary>
internal abstract class IngestTarget
{
    public abstract string Name { get; }
    public abstract Task<RunningServer> StartAsync(string workFolder);

    protected static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    protected static async Task WaitForAsync(string url, Process process)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; i < 300; i++)
        {
            if (process.HasExited) throw new InvalidOperationException($"server exited with {process.ExitCode}");
            try
            {
                if ((await client.GetAsync(url)).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"{url} did not answer");
    }
}

/// <summary>This project's server, as a separate process.</summary>
internal sealed class ServerTarget(string dll, IReadOnlyList<string> extraArguments, string name = "dicomweb") : IngestTarget
{
    public override string Name => extraArguments.Count == 0 ? name : name + " " + string.Join(' ', extraArguments);

    public override async Task<RunningServer> StartAsync(string workFolder)
    {
        var port = FreePort();
        var data = Path.Combine(workFolder, "data-dicomweb-" + Guid.NewGuid().ToString("N"));
        var process = Process.Start(new ProcessStartInfo("dotnet", [dll, "--urls", $"http://127.0.0.1:{port}", "--Storage:Path", data,
            "--Logging:LogLevel:Default", "Warning", "--Serilog:MinimumLevel:Default", "Warning", .. extraArguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await WaitForAsync($"http://127.0.0.1:{port}/health/live", process);
        return new RunningServer(Name, $"http://127.0.0.1:{port}/dicom-web", process, data);
    }
}

/// <summary>Orthanc with its DICOMweb plugin (Debian packages orthanc, orthanc-dicomweb), on loopback.</summary>
internal sealed class OrthancTarget : IngestTarget
{
    public override string Name => "orthanc";

    public override async Task<RunningServer> StartAsync(string workFolder)
    {
        var port = FreePort();
        var data = Path.Combine(workFolder, "data-orthanc-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        var config = Path.Combine(data, "orthanc.json");
        await File.WriteAllTextAsync(config, $$"""
            {
              "Name": "bench", "StorageDirectory": "{{data}}/storage", "IndexDirectory": "{{data}}/index",
              "HttpPort": {{port}}, "DicomServerEnabled": false, "RemoteAccessAllowed": false, "AuthenticationEnabled": false,
              "HttpServerEnabled": true, "StorageCompression": false, "ConcurrentJobs": 2,
              "Plugins": ["/usr/share/orthanc/plugins"],
              "DicomWeb": { "Enable": true, "Root": "/dicom-web/" }
            }
            """);
        var process = Process.Start(new ProcessStartInfo("Orthanc", [config]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await WaitForAsync($"http://127.0.0.1:{port}/system", process);
        return new RunningServer(Name, $"http://127.0.0.1:{port}/dicom-web", process, data);
    }
}

/// <summary>A started server; stopping it deletes its data.</summary>
internal sealed class RunningServer(string name, string baseUrl, Process process, string dataFolder) : IAsyncDisposable
{
    public string Name => name;
    public string BaseUrl => baseUrl;

    /// <summary>Peak resident set size of the server process so far (VmHWM), in MB.</summary>
    public double PeakRssMegabytes()
    {
        foreach (var line in File.ReadLines($"/proc/{process.Id}/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
        return double.NaN;
    }

    /// <summary>CPU time (user + system) the server process has used so far.</summary>
    public TimeSpan ProcessorTime()
    {
        process.Refresh();
        return process.TotalProcessorTime;
    }

    /// <summary>
    /// CPU time (user + system) of the .NET runtime's tiered compilation thread so far; null for a process without one
    /// (Orthanc). While it grows, a JIT-compiled server is still replacing quickly compiled code with optimized code.
    /// </summary>
    public TimeSpan? TieredCompilationTime()
    {
        foreach (var task in Directory.EnumerateDirectories($"/proc/{process.Id}/task"))
        {
            string comm, stat;
            try
            {
                comm = File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n');
                if (comm != ".NET Tiered Com") continue;
                stat = File.ReadAllText(Path.Combine(task, "stat"));
            }
            catch (IOException)
            {
                continue; // the thread ended
            }
            // Fields after the parenthesised name: state is field 3, utime 14 and stime 15 (clock ticks, 100 per second on Linux).
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return TimeSpan.FromMilliseconds((long.Parse(fields[11]) + long.Parse(fields[12])) * 10);
        }
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
        try
        {
            Directory.Delete(dataFolder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
