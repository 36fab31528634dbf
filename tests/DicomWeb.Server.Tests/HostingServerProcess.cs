using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace DicomWeb.Server.Tests;

/// <summary>
/// The built server binary in its own process, for what in-process servers cannot show: real signals, and metrics
/// (meters are process-wide, so servers sharing the test process would see each other's requests).
/// </summary>
internal sealed class HostingServerProcess : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _output;

    private HostingServerProcess(Process process, string dataPath, Uri address, ConcurrentQueue<string> output)
    {
        Process = process;
        DataPath = dataPath;
        Address = address;
        _output = output;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Process Process { get; }
    public string DataPath { get; }
    public Uri Address { get; }
    public HttpClient Client { get; }
    public IEnumerable<string> Output => _output;

    public static Task<HostingServerProcess> StartAsync(params string[] settings) => StartOnAsync(HostingTestServer.NewDataPath(), settings);

    /// <summary>Starts a server process on an existing (or new) data folder, e.g. to restart after a kill.</summary>
    public static async Task<HostingServerProcess> StartOnAsync(string dataPath, params string[] settings)
    {
        Directory.CreateDirectory(dataPath);
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = dataPath, RedirectStandardOutput = true, RedirectStandardError = true };
        string[] arguments =
        [
            Path.Combine(AppContext.BaseDirectory, "DicomWeb.Server.dll"), "--urls", "http://127.0.0.1:0", "--Storage:Path", dataPath,
            "--DicomWeb:Logging:FilePath=", "--Logging:LogLevel:Default", "Warning", "--Logging:LogLevel:Microsoft.Hosting.Lifetime", "Information", .. settings,
        ];
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        var process = Process.Start(start)!;
        var output = new ConcurrentQueue<string>();
        var address = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data == null) return;
            output.Enqueue(e.Data);
            var match = Regex.Match(e.Data, @"Now listening on: (http://\S+)");
            if (match.Success) address.TrySetResult(match.Groups[1].Value);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            return new HostingServerProcess(process, dataPath, new Uri(await address.Task.WaitAsync(TimeSpan.FromSeconds(60))), output);
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            Directory.Delete(dataPath, recursive: true);
            throw;
        }
    }

    /// <summary>Sends SIGTERM, as <c>docker stop</c> and Kubernetes do.</summary>
    public async Task TerminateAsync()
    {
        using var kill = Process.Start("kill", ["-TERM", Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    /// <summary>Leave the data folder in place on dispose (a test restarts a server on it).</summary>
    public bool KeepData { get; set; }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!Process.HasExited) Process.Kill(entireProcessTree: true);
        await Process.WaitForExitAsync();
        Process.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (KeepData) return;
        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
