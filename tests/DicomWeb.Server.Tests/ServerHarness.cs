using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace DicomWeb.Server.Tests;

/// <summary>The real server on a loopback port with a fresh data folder (file system + SQLite).</summary>
internal sealed class ServerHarness : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ServerHarness(WebApplication app, string dataPath, Uri address)
    {
        _app = app;
        DataPath = dataPath;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
    }

    public string DataPath { get; }
    public HttpClient Client { get; }
    public IServiceProvider Services => _app.Services;

    public static async Task<ServerHarness> StartAsync(params string[] settings)
    {
        var dataPath = Path.Combine(Path.GetTempPath(), "dicomweb-server-" + Guid.NewGuid().ToString("N"));
        string[] args = ["--urls", "http://127.0.0.1:0", "--Storage:Path", dataPath, "--Logging:LogLevel:Default", "Warning",
            "--DicomWeb:Logging:FilePath", Path.Combine(dataPath, "logs", "dicomweb.log"), .. settings];
        var app = DicomWebApplication.Build(args);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new ServerHarness(app, dataPath, new Uri(address));
    }

    public string[] BlobFiles()
    {
        var root = Path.Combine(DataPath, "blobs");
        return Directory.Exists(root)
            ? Directory.GetFiles(root, "*", SearchOption.AllDirectories).Where(f => !f.Contains("/.tmp/")).Order().ToArray()
            : [];
    }

    /// <summary>Stops the server (it stays stopped; DisposeAsync cleans up).</summary>
    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
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
