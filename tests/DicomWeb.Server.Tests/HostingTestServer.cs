using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace DicomWeb.Server.Tests;

/// <summary>
/// The real server on a loopback port with a fresh data folder, like <see cref="ServerHarness"/>, but with the
/// application exposed so hosting tests can stop it, and the data folder kept until disposal for inspecting logs.
/// </summary>
internal sealed class HostingTestServer : IAsyncDisposable
{
    private bool _stopped;

    private HostingTestServer(WebApplication app, string dataPath, Uri address)
    {
        App = app;
        DataPath = dataPath;
        Address = address;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(1) };
    }

    public WebApplication App { get; }
    public string DataPath { get; }
    public Uri Address { get; }
    public HttpClient Client { get; }
    public IServiceProvider Services => App.Services;
    public string LogFolder => Path.Combine(DataPath, "logs");

    public static string NewDataPath() => Path.Combine(Path.GetTempPath(), "dicomweb-hosting-" + Guid.NewGuid().ToString("N"));

    /// <summary>Builds the app with the harness defaults plus <paramref name="settings"/> (later settings win).</summary>
    public static string[] Arguments(string dataPath, params string[] settings) =>
    [
        "--urls", "http://127.0.0.1:0", "--Storage:Path", dataPath, "--Logging:LogLevel:Default", "Warning",
        "--DicomWeb:Logging:FilePath", Path.Combine(dataPath, "logs", "dicomweb.log"), "--DicomWeb:Logging:Console", "false", .. settings,
    ];

    public static async Task<HostingTestServer> StartAsync(params string[] settings)
    {
        var dataPath = NewDataPath();
        var app = DicomWebApplication.Build(Arguments(dataPath, settings));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new HostingTestServer(app, dataPath, new Uri(address));
    }

    /// <summary>Stops the host as SIGTERM would (in-flight requests get the shutdown timeout), keeping the data folder.</summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await App.StopAsync();
    }

    /// <summary>Stops and disposes the app (flushing and closing the log files) so they can be read whole.</summary>
    public async Task<string[]> StopAndReadLogsAsync()
    {
        await StopAsync();
        await App.DisposeAsync();
        return Directory.Exists(LogFolder) ? Directory.GetFiles(LogFolder).Order(StringComparer.Ordinal).ToArray() : [];
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        try
        {
            await StopAsync();
            await App.DisposeAsync();
        }
        catch (ObjectDisposedException)
        {
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
