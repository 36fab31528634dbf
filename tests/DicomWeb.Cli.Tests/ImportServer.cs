using DicomWeb.Server;
using DicomWeb.Storage.Index;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DicomWeb.Cli.Tests;

/// <summary>The real DICOMweb server on a loopback port with a fresh data folder, for the importer to talk to.</summary>
internal sealed class ImportServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ImportServer(WebApplication app, string dataPath, Uri address)
    {
        _app = app;
        DataPath = dataPath;
        Address = address;
    }

    public string DataPath { get; }
    public Uri Address { get; }
    public string Root => Address.AbsoluteUri.TrimEnd('/') + "/dicom-web";

    /// <summary>Starts the server on <paramref name="port"/> (0: any free one).</summary>
    public static async Task<ImportServer> StartAsync(int port = 0)
    {
        var dataPath = Path.Combine(Path.GetTempPath(), "dicomweb-import-server-" + Guid.NewGuid().ToString("N"));
        var app = DicomWebApplication.Build(["--urls", $"http://127.0.0.1:{port}", "--Storage:Path", dataPath, "--Logging:LogLevel:Default", "Warning",
            "--DicomWeb:Logging:FilePath", Path.Combine(dataPath, "logs", "dicomweb.log")]);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new ImportServer(app, dataPath, new Uri(address));
    }

    public async Task<List<string>> StoredSopInstanceUidsAsync()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        await using var index = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<DicomIndexContext>>().CreateDbContextAsync();
        return await index.Instances.Select(i => i.SopInstanceUid).OrderBy(u => u).ToListAsync();
    }

    public async ValueTask DisposeAsync()
    {
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
