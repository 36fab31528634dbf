using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using DicomWeb.Cli.Import;
using DicomWeb.Dicom;
using DicomWeb.Dicom.Tests;

namespace DicomWeb.Cli.Tests;

/// <summary><c>dicomweb import</c> against the real server over loopback HTTP, with copies of corpus files and junk.</summary>
public sealed class ImportCommandTests : IDisposable
{
    private static readonly string[] Subset =
    [
        "native/ct_explicit_le.dcm", "native/mr_implicit_le.dcm", "jpeg-baseline/ct_8bit.dcm", "multiframe/enhanced_mr.dcm",
        "jpeg-ls/ct1_fragmented_bot.dcm", "non-image/pdf.dcm", "charset/utf8_mr.dcm",
    ];

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "dicomweb-import-" + Guid.NewGuid().ToString("N"));

    public ImportCommandTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Imports_a_folder_tree_skipping_junk_and_every_instance_is_indexed()
    {
        await using var server = await ImportServer.StartAsync();
        for (var i = 0; i < Subset.Length; i++) Copy(Subset[i], $"{(char)('a' + i % 3)}/{i}/{Path.GetFileName(Subset[i])}");
        Copy(Subset[0], "c/identical-copy.dcm");
        var junk = WriteJunk();

        var (code, output, _) = await Run("import", _folder, "--url", server.Root, "--concurrency", "3", "--batch-size", "2");

        Assert.True(code == CommandLine.Success, output);
        Assert.Equal(Subset.Length + 1, Count(output, "stored"));
        Assert.Equal(0, Count(output, "failed"));
        Assert.Equal(0, Count(output, "duplicates"));
        Assert.Equal(junk, Count(output, "skipped"));
        Assert.Matches(@$"imported {Subset.Length + 1} DICOM files", output);
        var expected = Subset.Select(Sop).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, (await server.StoredSopInstanceUidsAsync()).Order(StringComparer.Ordinal).ToList());
    }

    [Fact]
    public async Task Failures_and_duplicates_are_reported_per_file_and_the_exit_code_is_1()
    {
        await using var server = await ImportServer.StartAsync();
        Copy("native/ct_explicit_le.dcm", "1/ct.dcm");
        Copy("native/mr_implicit_le.dcm", "1/mr.dcm");
        // Same SOP Instance UID as ct.dcm, other bytes: the server's default policy refuses it (0x0111).
        Copy("rle/ct.dcm", "2/ct_rle.dcm");
        var jpeg = File.ReadAllBytes(TestData.PathOf("jpeg-baseline/ct_8bit.dcm"));
        File.WriteAllBytes(Path.Combine(_folder, "2", "truncated.dcm"), jpeg[..(jpeg.Length / 2)]);

        var (code, output, _) = await Run("import", _folder, "--url", server.Root, "--batch-bytes", "600K", "--concurrency", "2");

        Assert.Equal(CommandLine.InvalidInput, code);
        Assert.Equal(2, Count(output, "stored"));
        Assert.Equal(1, Count(output, "duplicates"));
        Assert.Equal(1, Count(output, "failed"));
        Assert.Matches(@"truncated\.dcm: 0xC000 ", output);
        Assert.Matches(@"ct(_rle)?\.dcm: duplicate, 0x0111 ", output);
        Assert.Equal(2, (await server.StoredSopInstanceUidsAsync()).Count);
    }

    [Fact]
    public async Task A_503_and_a_server_that_is_not_up_yet_are_retried_until_it_stores()
    {
        Copy("native/ct_explicit_le.dcm", "ct.dcm");
        using var stub = new TcpListener(IPAddress.Loopback, 0);
        stub.Start();
        var port = ((IPEndPoint)stub.LocalEndpoint).Port;
        var import = Run("import", _folder, "--url", $"http://127.0.0.1:{port}/dicom-web", "--retries", "12", "--retry-delay", "0.05");

        // The first attempt reaches a stub that answers 503; the next ones find nothing listening until the server is up.
        var requestLine = await AnswerOnce503Async(stub);
        stub.Stop();
        await using var server = await ImportServer.StartAsync(port);
        var (code, output, _) = await import;

        Assert.Equal("POST /dicom-web/studies HTTP/1.1", requestLine);
        Assert.True(code == CommandLine.Success, output);
        Assert.Equal(1, Count(output, "stored"));
        Assert.True(Count(output, "retries") >= 1, output);
        Assert.Equal([Sop("native/ct_explicit_le.dcm")], await server.StoredSopInstanceUidsAsync());
    }

    [Fact]
    public async Task A_4xx_answer_is_final_and_not_retried()
    {
        await using var server = await ImportServer.StartAsync();
        Copy("native/ct_explicit_le.dcm", "ct.dcm");

        var (code, output, _) = await Run("import", _folder, "--url", server.Address + "no-such-root", "--retries", "5", "--retry-delay", "5");

        Assert.Equal(CommandLine.InvalidInput, code);
        Assert.Equal(1, Count(output, "failed"));
        Assert.Equal(0, Count(output, "retries"));
        Assert.Matches(@"ct\.dcm: HTTP 40\d", output);
    }

    [Theory]
    [InlineData("import")]
    [InlineData("import", "FOLDER")]
    [InlineData("import", "FOLDER", "--url", "ftp://host/x")]
    [InlineData("import", "FOLDER", "--url", "http://host/x", "--concurrency", "0")]
    [InlineData("import", "FOLDER", "--url", "http://host/x", "--batch-bytes", "lots")]
    [InlineData("import", "FOLDER", "--url", "http://host/x", "--frobnicate", "1")]
    [InlineData("import", "/no/such/folder", "--url", "http://host/x")]
    public async Task Usage_errors_exit_with_2_and_say_what_is_wrong(params string[] args)
    {
        var (code, _, error) = await Run(args.Select(a => a == "FOLDER" ? _folder : a).ToArray());
        Assert.Equal(CommandLine.UsageError, code);
        Assert.StartsWith("dicomweb import: ", error);
    }

    [Theory]
    [InlineData("600K", 600 * 1024)]
    [InlineData("64M", 64L << 20)]
    [InlineData("1.5GiB", 3L << 29)]
    [InlineData("4096", 4096)]
    public void Sizes_take_binary_suffixes(string text, long bytes)
    {
        Assert.True(ImportOptions.TryParseSize(text, out var parsed));
        Assert.Equal(bytes, parsed);
    }

    [Fact]
    public void Scanner_reads_the_SOP_Instance_UID_from_the_file_meta_and_ignores_files_without_DICM()
    {
        Copy("native/ct_explicit_le.dcm", "ct.dcm");
        var junk = WriteJunk();
        var skipped = new List<string>();

        var found = DicomFileScanner.Scan(_folder, skipped.Add).ToList();

        var file = Assert.Single(found);
        Assert.Equal(Sop("native/ct_explicit_le.dcm"), file.SopInstanceUid);
        Assert.Equal(junk, skipped.Count);
    }

    private int WriteJunk()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "junk"));
        File.WriteAllText(Path.Combine(_folder, "junk", "notes.txt"), "not an image");
        File.WriteAllBytes(Path.Combine(_folder, "junk", "empty.dcm"), []);
        File.WriteAllBytes(Path.Combine(_folder, "junk", "photo.jpg"), [.. Enumerable.Range(0, 4000).Select(i => (byte)(i * 7))]);
        // DICM, but at the wrong offset; and a Part 10 file without its preamble.
        File.WriteAllBytes(Path.Combine(_folder, "junk", "shifted.dcm"), [.. new byte[100], .. "DICM"u8.ToArray(), .. new byte[200]]);
        File.WriteAllBytes(Path.Combine(_folder, "DICOMDIR.bak"), File.ReadAllBytes(TestData.PathOf("native/ct_explicit_le.dcm"))[132..]);
        return 5;
    }

    /// <summary>Accepts one connection, reads its request, answers 503 with Retry-After: 0; returns the request line.</summary>
    private static async Task<string> AnswerOnce503Async(TcpListener listener)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var client = await listener.AcceptTcpClientAsync(timeout.Token);
        var stream = client.GetStream();
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(one, timeout.Token) == 1) head.Append((char)one[0]);
        var length = long.Parse(Regex.Match(head.ToString(), @"(?im)^content-length:\s*(\d+)").Groups[1].Value);
        var body = new byte[64 * 1024];
        for (long left = length; left > 0;) left -= await stream.ReadAsync(body.AsMemory(0, (int)Math.Min(body.Length, left)), timeout.Token);
        await stream.WriteAsync("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 0\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray(), timeout.Token);
        // Let the client close first, so the port is free for the server at once.
        while (await stream.ReadAsync(body, timeout.Token) > 0) { }
        return head.ToString()[..head.ToString().IndexOf("\r\n", StringComparison.Ordinal)];
    }

    private void Copy(string relative, string target)
    {
        var path = Path.Combine(_folder, target);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Copy(TestData.PathOf(relative), path);
    }

    private static string Sop(string relative) => TestData.Entry(relative).GetProperty("sop_instance_uid").GetString()!;

    private static int Count(string summary, string name) =>
        int.Parse(Regex.Match(summary, $@"(?m)^  {name}:\s+(\d+)").Groups[1].Value);

    private static async Task<(int Code, string Output, string Error)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CommandLine.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
