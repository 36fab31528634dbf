using System.Net;
using System.Text;
using System.Text.Json;
using DicomWeb.Dicom.Tests;

namespace DicomWeb.Server.Tests;

/// <summary>kill -9 of a real server process in the middle of a STOW request, then a restart on the same data folder.</summary>
public sealed class CrashRecoveryTests
{
    [Fact]
    public async Task Kill_during_an_upload_leaves_nothing_half_visible_and_restart_cleans_leftovers()
    {
        var complete = await File.ReadAllBytesAsync(TestData.PathOf("native/ct_explicit_le.dcm"));
        var interrupted = await File.ReadAllBytesAsync(TestData.PathOf("native/mr_implicit_le.dcm"));
        string dataPath;
        await using (var server = await HostingServerProcess.StartAsync())
        {
            server.KeepData = true;
            dataPath = server.DataPath;
            var body = new StallingBody(complete, interrupted[..(interrupted.Length / 2)]);
            using var abandon = new CancellationTokenSource();
            var upload = server.Client.PostAsync("/dicom-web/studies", body, abandon.Token);
            await body.Stalled.WaitAsync(TimeSpan.FromSeconds(30));
            // The first instance is stored (its staged files moved into the blob store, index committed) and the
            // second one is being staged when the process dies: part 2 is only read after part 1's commit returns.
            await WaitUntilAsync(() => BlobFiles(dataPath).Length == 2 && Directory.EnumerateFiles(Path.Combine(dataPath, "staging")).Any());
            server.Process.Kill();
            await server.Process.WaitForExitAsync();
            await abandon.CancelAsync();
            await Assert.ThrowsAnyAsync<Exception>(() => upload);
        }

        {
            await using var restarted = await HostingServerProcess.StartOnAsync(dataPath);
            Assert.Empty(Directory.EnumerateFiles(Path.Combine(dataPath, "staging")));
            Assert.Empty(Directory.EnumerateFiles(Path.Combine(dataPath, "journal")));
            var response = await restarted.Client.GetAsync("/dicom-web/instances");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var sop = Assert.Single(json.RootElement.EnumerateArray()).GetProperty("00080018").GetProperty("Value")[0].GetString();
            Assert.Equal(TestData.Entry("native/ct_explicit_le.dcm").GetProperty("sop_instance_uid").GetString(), sop);
            Assert.Equal(2, BlobFiles(dataPath).Length);
            var retrieved = await restarted.Client.GetAsync(new Uri(json.RootElement[0].GetProperty("00081190").GetProperty("Value")[0].GetString()!));
            Assert.Equal(HttpStatusCode.OK, retrieved.StatusCode);
        }
    }

    private static string[] BlobFiles(string dataPath)
    {
        var root = Path.Combine(dataPath, "blobs");
        return Directory.Exists(root) ? Directory.GetFiles(root, "*", SearchOption.AllDirectories).Where(f => !f.Contains("/.tmp/")).ToArray() : [];
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 300 && !condition(); i++) await Task.Delay(50);
        Assert.True(condition(), "condition not reached in 15 s");
    }

    /// <summary>Sends one whole part, then the start of a second, then waits forever: a client stuck mid-upload.</summary>
    private sealed class StallingBody : HttpContent
    {
        private const string Boundary = "crash-test-boundary";
        private readonly byte[] _complete;
        private readonly byte[] _partial;
        private readonly TaskCompletionSource _stalled = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public StallingBody(byte[] complete, byte[] partial)
        {
            _complete = complete;
            _partial = partial;
            Headers.TryAddWithoutValidation("Content-Type", $"multipart/related; type=\"application/dicom\"; boundary={Boundary}");
        }

        public Task Stalled => _stalled.Task;

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            var head = Encoding.ASCII.GetBytes($"--{Boundary}\r\nContent-Type: application/dicom\r\n\r\n");
            await stream.WriteAsync(head);
            await stream.WriteAsync(_complete);
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"\r\n--{Boundary}\r\nContent-Type: application/dicom\r\n\r\n"));
            await stream.WriteAsync(_partial);
            await stream.FlushAsync();
            _stalled.TrySetResult();
            // Until the client gives up (the test cancels once the server is dead).
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
