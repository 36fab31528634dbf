using System.IO.Pipelines;
using System.Text;
using static DicomWeb.Multipart.Tests.TestUtil;

namespace DicomWeb.Multipart.Tests;

public class MultipartRelatedReaderTests
{
    private const string B = "MyBoundary-42";

    private static List<TestPart> NastyParts(int count, int seed, int maxLength = 600)
    {
        var random = new Random(seed);
        var parts = new List<TestPart>();
        for (int i = 0; i < count; i++)
        {
            int length = i % 5 == 3 ? 0 : random.Next(0, maxLength);
            parts.Add(TestPart.Of("application/dicom", NastyBody(B, seed * 1000 + i, length), ("Content-Location", $"/studies/1/series/2/instances/{i}")));
        }

        return parts;
    }

    private static async Task<List<ReadPart>> ReadFromBytesAsync(byte[] body, int readSize = 8192) =>
        await ReadAllAsync(new MultipartRelatedReader(new MemoryStream(body), B), readSize);

    [Fact]
    public async Task ReadsManyPartsWithTrickyBinaryBodies()
    {
        List<TestPart> parts = NastyParts(200, 1);
        byte[] body = BuildBody(B, parts, preamble: "\r\n");
        TestUtil.AssertParts(parts, await ReadFromBytesAsync(body));
    }

    [Fact]
    public async Task ExposesContentTypeAndContentLocation()
    {
        byte[] body = BuildBody(B, [TestPart.Of("application/dicom", [1, 2, 3], ("Content-Location", "/x/y"))]);
        var reader = new MultipartRelatedReader(new MemoryStream(body), B);
        MultipartPart? part = await reader.ReadNextPartAsync();
        Assert.NotNull(part);
        Assert.Equal("application/dicom", part.ContentType);
        Assert.Equal("/x/y", part.ContentLocation);
        Assert.Null(await reader.ReadNextPartAsync());
        Assert.Null(await reader.ReadNextPartAsync());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(64)]
    public async Task SmallReadBuffersGiveTheSameBytes(int readSize)
    {
        List<TestPart> parts = NastyParts(30, 2);
        byte[] body = BuildBody(B, parts);
        TestUtil.AssertParts(parts, await ReadFromBytesAsync(body, readSize));
    }

    [Fact]
    public async Task DelimiterSplitAtEveryBytePosition()
    {
        List<TestPart> parts =
        [
            TestPart.Of("application/dicom", Ascii("ab\r\n--" + B[..5] + "\r\n")),
            TestPart.Of(null, []),
            TestPart.Of("text/plain", Ascii("\r\n--" + B[..^1] + "\r")),
        ];
        byte[] body = BuildBody(B, parts, preamble: "preamble\r\n", epilogue: "epilogue");
        for (int split = 0; split <= body.Length; split++)
        {
            (PipeReader pipe, Task writer) = Feed(body, [split == 0 ? body.Length : split]);
            List<ReadPart> read = await ReadAllAsync(new MultipartRelatedReader(pipe, B), readSize: 5);
            await writer;
            TestUtil.AssertParts(parts, read);
        }
    }

    [Theory]
    [InlineData(4096)]
    [InlineData(16)]
    public async Task OneByteChunks(int segmentSize)
    {
        List<TestPart> parts = NastyParts(20, 3, 300);
        byte[] body = BuildBody(B, parts, preamble: "\r\n", epilogue: "\r\nbye");
        (PipeReader pipe, Task writer) = Feed(body, Ones(), segmentSize);
        List<ReadPart> read = await ReadAllAsync(new MultipartRelatedReader(pipe, B), readSize: 1000);
        await writer;
        TestUtil.AssertParts(parts, read);
    }

    [Theory]
    [InlineData(1, 10, 4096)]
    [InlineData(2, 100, 16)]
    [InlineData(3, 5000, 4096)]
    [InlineData(4, 33, 64)]
    public async Task RandomChunks(int seed, int maxChunk, int segmentSize)
    {
        List<TestPart> parts = NastyParts(40, seed + 10, 2000);
        byte[] body = BuildBody(B, parts, preamble: seed % 2 == 0 ? "\r\n" : "");
        (PipeReader pipe, Task writer) = Feed(body, RandomSizes(seed, maxChunk), segmentSize);
        List<ReadPart> read = await ReadAllAsync(new MultipartRelatedReader(pipe, B), readSize: 1 + seed * 97);
        await writer;
        TestUtil.AssertParts(parts, read);
    }

    [Fact]
    public async Task MultiSegmentSequencesOfEveryShape()
    {
        List<TestPart> parts = NastyParts(6, 5, 80);
        byte[] body = BuildBody(B, parts, preamble: "\r\n");
        for (int segment = 1; segment <= 40; segment++)
        {
            PipeReader pipe = PipeReader.Create(Segmented(body, Enumerable.Repeat(segment, body.Length)));
            TestUtil.AssertParts(parts, await ReadAllAsync(new MultipartRelatedReader(pipe, B), readSize: 3));
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("\r\n")]
    [InlineData("This is the preamble.\r\nIt is to be ignored\r\n")]
    [InlineData("--MyBoundary-4\r\n")]
    [InlineData("\r\n--MyBoundary-4\r\n\r\n")]
    public async Task PreambleIsIgnored(string preamble)
    {
        List<TestPart> parts = [TestPart.Of("application/dicom", Ascii("hello"))];
        TestUtil.AssertParts(parts, await ReadFromBytesAsync(BuildBody(B, parts, preamble: preamble)));
    }

    [Fact]
    public async Task TransportPaddingAndBareLineFeedsAfterDelimiters()
    {
        string text = "--" + B + " \t \r\nContent-Type: a/b\r\n\r\none\r\n--" + B + "\nContent-Type: c/d\n\ntwo\r\n--" + B + "--  \r\nepilogue";
        List<ReadPart> read = await ReadFromBytesAsync(Ascii(text));
        Assert.Equal(2, read.Count);
        Assert.Equal("a/b", read[0].Headers["content-type"]);
        Assert.Equal("one", Encoding.ASCII.GetString(read[0].Body));
        Assert.Equal("c/d", read[1].Headers["Content-Type"]);
        Assert.Equal("two", Encoding.ASCII.GetString(read[1].Body));
    }

    [Fact]
    public async Task HeaderNamesInAnyCaseFoldedAndRepeated()
    {
        string text =
            "--" + B + "\r\n" +
            "content-TYPE:application/dicom\r\n" +
            "CONTENT-LOCATION:   /a/b   \r\n" +
            "X-Long: first\r\n" +
            "   second\r\n" +
            "\tthird\r\n" +
            "X-Rep: 1\r\n" +
            "x-rep: 2\r\n" +
            "\r\n" +
            "body\r\n--" + B + "--";
        var reader = new MultipartRelatedReader(new MemoryStream(Ascii(text)), B);
        MultipartPart part = (await reader.ReadNextPartAsync())!;
        Assert.Equal("application/dicom", part.ContentType);
        Assert.Equal("/a/b", part.ContentLocation);
        Assert.Equal("first second third", part.Headers["x-long"]);
        Assert.Equal("1, 2", part.Headers["X-REP"]);
        Assert.Equal(4, part.Headers.Count);
        Assert.Equal("body", await new StreamReader(part.Body).ReadToEndAsync());
        Assert.Null(await reader.ReadNextPartAsync());
    }

    [Fact]
    public async Task PartsWithoutHeadersAndEmptyBodies()
    {
        List<TestPart> parts =
        [
            TestPart.Of(null, []),
            TestPart.Of(null, Ascii("x")),
            TestPart.Of("a/b", []),
            TestPart.Of(null, []),
        ];
        byte[] body = BuildBody(B, parts);
        Assert.StartsWith("--" + B + "\r\n\r\n\r\n--" + B + "\r\n\r\nx\r\n--", Encoding.ASCII.GetString(body));
        List<ReadPart> read = await ReadFromBytesAsync(body);
        TestUtil.AssertParts(parts, read);
        Assert.Empty(read[0].Headers);
    }

    [Fact]
    public async Task UnreadBodiesAreSkippedAndOldBodiesReadAsEnded()
    {
        List<TestPart> parts = NastyParts(10, 6, 5000);
        var reader = new MultipartRelatedReader(new MemoryStream(BuildBody(B, parts)), B);
        MultipartPart first = (await reader.ReadNextPartAsync())!;
        var one = new byte[1];
        if (parts[0].Body.Length > 0)
        {
            Assert.Equal(1, await first.Body.ReadAsync(one));
        }

        for (int i = 1; i < 9; i++)
        {
            Assert.NotNull(await reader.ReadNextPartAsync());
        }

        MultipartPart last = (await reader.ReadNextPartAsync())!;
        Assert.Equal(0, await first.Body.ReadAsync(one));
        var ms = new MemoryStream();
        await last.Body.CopyToAsync(ms);
        Assert.Equal(parts[9].Body, ms.ToArray());
        Assert.Null(await reader.ReadNextPartAsync());
    }

    [Fact]
    public async Task SynchronousReadsWork()
    {
        List<TestPart> parts = NastyParts(3, 7, 3000);
        var reader = new MultipartRelatedReader(new MemoryStream(BuildBody(B, parts)), B);
        for (int i = 0; i < 3; i++)
        {
            MultipartPart part = (await reader.ReadNextPartAsync())!;
            var ms = new MemoryStream();
#pragma warning disable CA1849 // the synchronous path is what is tested
            part.Body.CopyTo(ms, 100);
#pragma warning restore CA1849
            Assert.Equal(parts[i].Body, ms.ToArray());
            Assert.Equal(parts[i].Body.Length, part.Body.Position);
        }
    }

    [Fact]
    public async Task TruncatedBodyThrowsFromTheBodyStream()
    {
        byte[] body = BuildBody(B, [TestPart.Of("a/b", Ascii("complete")), TestPart.Of("a/b", Ascii("cut short"))], close: false);
        var reader = new MultipartRelatedReader(new MemoryStream(body), B);
        MultipartPart first = (await reader.ReadNextPartAsync())!;
        Assert.Equal("complete", await new StreamReader(first.Body).ReadToEndAsync());
        MultipartPart second = (await reader.ReadNextPartAsync())!;
        var buffer = new byte[100];
        var ex = await Assert.ThrowsAsync<MultipartFormatException>(async () =>
        {
            while (await second.Body.ReadAsync(buffer) > 0)
            {
            }
        });
        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TruncatedBodyThrowsFromReadNextPartWhenBodyIsUnread()
    {
        byte[] body = BuildBody(B, [TestPart.Of("a/b", Ascii("cut short"))], close: false);
        var reader = new MultipartRelatedReader(new MemoryStream(body), B);
        Assert.NotNull(await reader.ReadNextPartAsync());
        await Assert.ThrowsAsync<MultipartFormatException>(async () => await reader.ReadNextPartAsync());
    }

    [Theory]
    [InlineData("--" + B + "\r\nContent-Type: a/b\r\n\r\nbody\r\n--" + B)]
    [InlineData("--" + B + "\r\nContent-Type: a/b\r\n\r\nbody\r\n--" + B + "-")]
    [InlineData("--" + B + "\r\nContent-Type: a/b\r\n\r\nbody\r\n--" + B + "\r\n")]
    [InlineData("--" + B + "\r\nContent-Type: a/b\r\n\r\nbody\r\n--" + B + "\r\nContent-Type: a/b\r\n")]
    [InlineData("--" + B + "\r\nContent-Type: a/b\r\n\r\nbody\r\n-")]
    public async Task TruncationAfterALastCompletePartIsReported(string text)
    {
        var reader = new MultipartRelatedReader(new MemoryStream(Ascii(text)), B);
        await Assert.ThrowsAsync<MultipartFormatException>(async () =>
        {
            while (await reader.ReadNextPartAsync() is { } part)
            {
                await part.Body.CopyToAsync(Stream.Null);
            }
        });
    }

    [Fact]
    public async Task WrongBoundaryIsReported()
    {
        byte[] body = BuildBody("other-boundary", [TestPart.Of("a/b", Ascii("x"))]);
        var reader = new MultipartRelatedReader(new MemoryStream(body), B);
        var ex = await Assert.ThrowsAsync<MultipartFormatException>(async () => await reader.ReadNextPartAsync());
        Assert.Contains(B, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmptyBodyIsReported()
    {
        var reader = new MultipartRelatedReader(new MemoryStream([]), B);
        await Assert.ThrowsAsync<MultipartFormatException>(async () => await reader.ReadNextPartAsync());
    }

    [Fact]
    public async Task GarbageAfterDelimiterIsReported()
    {
        string text = "--" + B + "\r\nContent-Type: a/b\r\n\r\nbody\r\n--" + B + "XYZ\r\n\r\nmore\r\n--" + B + "--";
        var reader = new MultipartRelatedReader(new MemoryStream(Ascii(text)), B);
        MultipartPart part = (await reader.ReadNextPartAsync())!;
        Assert.Equal("body", await new StreamReader(part.Body).ReadToEndAsync());
        await Assert.ThrowsAsync<MultipartFormatException>(async () => await reader.ReadNextPartAsync());
    }

    [Fact]
    public async Task HeaderLineWithoutColonIsReported()
    {
        string text = "--" + B + "\r\nnot a header\r\n\r\nbody\r\n--" + B + "--";
        var reader = new MultipartRelatedReader(new MemoryStream(Ascii(text)), B);
        await Assert.ThrowsAsync<MultipartFormatException>(async () => await reader.ReadNextPartAsync());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1000)]
    public async Task HeaderLengthLimit(int chunk)
    {
        byte[] ok = BuildBody(B, [TestPart.Of("a/b", Ascii("x"), ("X-Big", new string('v', 900)))]);
        byte[] tooBig = BuildBody(B, [TestPart.Of("a/b", Ascii("x"), ("X-Big", new string('v', 1100)))]);
        (PipeReader pipe, Task writer) = Feed(ok, RandomSizes(chunk, chunk));
        Assert.Single(await ReadAllAsync(new MultipartRelatedReader(pipe, B) { HeadersLengthLimit = 1000 }));
        await writer;

        (pipe, writer) = Feed(tooBig, RandomSizes(chunk, chunk));
        var reader = new MultipartRelatedReader(pipe, B) { HeadersLengthLimit = 1000 };
        var ex = await Assert.ThrowsAsync<MultipartFormatException>(async () => await reader.ReadNextPartAsync());
        Assert.Contains("limit", ex.Message, StringComparison.Ordinal);
        await pipe.CompleteAsync();
        await writer;
    }

    [Fact]
    public async Task UnterminatedHeadersHitTheLimitWithoutBufferingEverything()
    {
        // Never-ending header line: must fail at the limit, not read the whole (endless) body.
        var endless = new GeneratedStream(Ascii("--" + B + "\r\nX: "), Ascii(new string('a', 4096)), 1L << 40, []);
        var reader = new MultipartRelatedReader(endless, B) { HeadersLengthLimit = 4096 };
        await Assert.ThrowsAsync<MultipartFormatException>(async () => await reader.ReadNextPartAsync());
        Assert.True(endless.Position < 1 << 20);
    }

    [Fact]
    public async Task HeaderCountLimit()
    {
        var headers = Enumerable.Range(0, 5).Select(i => ($"X-H{i}", "v")).ToArray();
        byte[] body = BuildBody(B, [TestPart.Of("a/b", Ascii("x"), headers)]);
        Assert.Single(await ReadAllAsync(new MultipartRelatedReader(new MemoryStream(body), B) { HeadersCountLimit = 6 }));
        var reader = new MultipartRelatedReader(new MemoryStream(body), B) { HeadersCountLimit = 5 };
        await Assert.ThrowsAsync<MultipartFormatException>(async () => await reader.ReadNextPartAsync());
    }

    [Fact]
    public async Task PartLengthLimit()
    {
        byte[] body = BuildBody(B, [TestPart.Of("a/b", new byte[100]), TestPart.Of("a/b", new byte[101])]);
        var reader = new MultipartRelatedReader(new MemoryStream(body), B) { PartLengthLimit = 100 };
        MultipartPart first = (await reader.ReadNextPartAsync())!;
        await first.Body.CopyToAsync(Stream.Null);
        MultipartPart second = (await reader.ReadNextPartAsync())!;
        await Assert.ThrowsAsync<MultipartFormatException>(async () => await second.Body.CopyToAsync(Stream.Null));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a\r\nb")]
    public void InvalidBoundaryIsRejected(string boundary)
    {
        Assert.Throws<ArgumentException>(() => new MultipartRelatedReader(new MemoryStream(), boundary));
    }

    [Fact]
    public async Task CancellationIsObserved()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(Ascii("--" + B + "\r\n\r\npartial body"));
        var reader = new MultipartRelatedReader(pipe.Reader, B);
        MultipartPart part = (await reader.ReadNextPartAsync())!;
        var buffer = new byte[100];
        Assert.Equal(12, await part.Body.ReadAsync(buffer));
        using var cts = new CancellationTokenSource(50);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => _ = await part.Body.ReadAsync(buffer, cts.Token));
    }
}
