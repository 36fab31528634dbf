using System.Diagnostics;
using System.Net;
using DicomWeb.Dicom.Tests;
using DicomWeb.Storage.Index;
using DicomWeb.Storage.Ingest;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DicomWeb.Server.Tests;

/// <summary>
/// Graceful shutdown: on stop (what SIGTERM triggers) stores in flight finish within the shutdown timeout, or are
/// aborted and roll back; either way no staged file, orphan blob or index row without its blobs remains.
/// </summary>
public sealed class HostingShutdownTests
{
    private static readonly byte[] Ct = File.ReadAllBytes(TestData.PathOf("native/ct_explicit_le.dcm"));
    private static readonly byte[] Mr = File.ReadAllBytes(TestData.PathOf("native/mr_implicit_le.dcm"));

    /// <summary>A request body that sends its first <paramref name="firstPart"/> bytes, then waits for <paramref name="gate"/>.</summary>
    private sealed class GatedContent : HttpContent
    {
        private readonly byte[] _bytes;
        private readonly int _firstPart;
        private readonly Task _gate;

        public GatedContent(byte[] bytes, int firstPart, Task gate)
        {
            _bytes = bytes;
            _firstPart = firstPart;
            _gate = gate;
            Headers.TryAddWithoutValidation("Content-Type", new MultipartBody().ContentType());
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(_bytes.AsMemory(0, _firstPart));
            await stream.FlushAsync();
            await _gate;
            await stream.WriteAsync(_bytes.AsMemory(_firstPart));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _bytes.Length;
            return true;
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException($"waited 30 s for {what}");
            await Task.Delay(20);
        }
    }

    private static string[] FilesUnder(string folder) =>
        Directory.Exists(folder) ? Directory.GetFiles(folder, "*", SearchOption.AllDirectories) : [];

    private static string[] BlobFiles(string dataPath) =>
        FilesUnder(Path.Combine(dataPath, "blobs")).Where(f => !f.Contains($"{Path.DirectorySeparatorChar}.tmp{Path.DirectorySeparatorChar}")).ToArray();

    private static async Task<List<InstanceRecord>> IndexedAsync(IServiceProvider services)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<DicomIndexContext>>().CreateDbContextAsync();
        return await db.Instances.ToListAsync();
    }

    [Fact]
    public async Task Store_in_flight_when_stop_begins_finishes_and_is_committed()
    {
        await using var server = await HostingTestServer.StartAsync("--shutdownTimeoutSeconds", "60");
        var body = new MultipartBody().Part(Ct).Close().ToArray();
        var gate = new TaskCompletionSource();
        var upload = server.Client.PostAsync("/dicom-web/studies", new GatedContent(body, body.Length / 2, gate.Task));
        await WaitUntilAsync(() => FilesUnder(Path.Combine(server.DataPath, "staging")).Length > 0, "the part to be staged");

        var stopping = server.StopAsync();
        await WaitUntilAsync(() => server.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested, "stop to begin");
        gate.SetResult();
        var response = await upload;
        await stopping;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var row = Assert.Single(await IndexedAsync(server.Services));
        Assert.Equal(2, BlobFiles(server.DataPath).Length);
        Assert.True(File.Exists(Path.Combine(server.DataPath, "blobs", row.BlobKey)));
        Assert.Empty(FilesUnder(Path.Combine(server.DataPath, "staging")));
    }

    [Fact]
    public async Task Store_still_unfinished_at_the_shutdown_timeout_rolls_back_and_keeps_the_instances_already_stored()
    {
        await using var server = await HostingTestServer.StartAsync("--shutdownTimeoutSeconds", "1");
        var first = new MultipartBody().Part(Ct).ToArray();
        var body = new MultipartBody().Part(Ct).Part(Mr).Close().ToArray();
        var gate = new TaskCompletionSource();
        var upload = server.Client.PostAsync("/dicom-web/studies", new GatedContent(body, first.Length + Mr.Length / 2, gate.Task));
        await WaitUntilAsync(() => BlobFiles(server.DataPath).Length == 2 && FilesUnder(Path.Combine(server.DataPath, "staging")).Length > 0,
            "the first instance to be stored and the second to be staged");

        await server.StopAsync();
        gate.TrySetCanceled();
        await Assert.ThrowsAnyAsync<Exception>(() => upload);

        // The aborted handler cleans up as its reads fail; give it the moment it needs, bounded.
        await WaitUntilAsync(() => FilesUnder(Path.Combine(server.DataPath, "staging")).Length == 0, "the staged part to be deleted");
        var row = Assert.Single(await IndexedAsync(server.Services));
        Assert.Equal(TestData.Entry("native/ct_explicit_le.dcm").GetProperty("sop_instance_uid").GetString(), row.SopInstanceUid);
        Assert.Equal(2, BlobFiles(server.DataPath).Length);
        Assert.True(File.Exists(Path.Combine(server.DataPath, "blobs", row.BlobKey)));
        Assert.True(File.Exists(Path.Combine(server.DataPath, "blobs", row.MetadataKey)));
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(1.0)]
    public async Task Cancelled_store_leaves_nothing_behind(double cancelAt)
    {
        await using var server = await HostingTestServer.StartAsync();
        var store = server.Services.GetRequiredService<InstanceStore>();
        using var cancellation = new CancellationTokenSource();
        var content = new CancellingStream(Ct, (int)(Ct.Length * cancelAt), cancellation);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.StoreAsync(content, null, cancellation.Token));

        Assert.Empty(await IndexedAsync(server.Services));
        Assert.Empty(BlobFiles(server.DataPath));
        Assert.Empty(FilesUnder(Path.Combine(server.DataPath, "staging")));
    }

    /// <summary>Reads <paramref name="bytes"/>, cancelling <paramref name="cancellation"/> once <paramref name="cancelAt"/> bytes are read.</summary>
    private sealed class CancellingStream(byte[] bytes, int cancelAt, CancellationTokenSource cancellation) : MemoryStream(bytes)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Position >= cancelAt) cancellation.Cancel();
            cancellationToken.ThrowIfCancellationRequested();
            var read = Read(buffer.Span[..Math.Min(buffer.Length, (int)Math.Max(1, cancelAt - Position))]);
            return ValueTask.FromResult(read);
        }
    }

    [Fact]
    public async Task SIGTERM_to_the_server_process_lets_the_store_in_flight_finish_and_exits_cleanly()
    {
        await using var server = await HostingServerProcess.StartAsync("--shutdownTimeoutSeconds", "60");
        var body = new MultipartBody().Part(Ct).Close().ToArray();
        var gate = new TaskCompletionSource();
        var upload = server.Client.PostAsync("/dicom-web/studies", new GatedContent(body, body.Length / 2, gate.Task));
        await WaitUntilAsync(() => FilesUnder(Path.Combine(server.DataPath, "staging")).Length > 0, "the part to be staged");

        await server.TerminateAsync();
        await WaitUntilAsync(() => server.Output.Any(line => line.Contains("Application is shutting down")), "the server to log that it is shutting down");
        gate.SetResult();
        var response = await upload;
        await server.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, server.Process.ExitCode);
        await using var index = new SqliteConnection($"Data Source={Path.Combine(server.DataPath, "index.db")};Pooling=False");
        await index.OpenAsync();
        var count = new SqliteCommand("SELECT COUNT(*) FROM Instances", index);
        Assert.Equal(1L, (long)(await count.ExecuteScalarAsync())!);
        Assert.Equal(2, BlobFiles(server.DataPath).Length);
        Assert.Empty(FilesUnder(Path.Combine(server.DataPath, "staging")));
    }
}
