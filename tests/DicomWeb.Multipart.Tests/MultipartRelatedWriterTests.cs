using System.IO.Pipelines;
using System.Text;
using static DicomWeb.Multipart.Tests.TestUtil;

namespace DicomWeb.Multipart.Tests;

public class MultipartRelatedWriterTests
{
    [Fact]
    public async Task WritesTheExpectedBytes()
    {
        var ms = new MemoryStream();
        await using (var writer = new MultipartRelatedWriter(ms, "abc"))
        {
            await writer.WritePartAsync("application/dicom", Ascii("one"), [new("Content-Location", "/1")]);
            await writer.WritePartAsync(null, new MemoryStream(Ascii("two")));
            await writer.CompleteAsync();
        }

        Assert.Equal(
            "--abc\r\nContent-Type: application/dicom\r\nContent-Location: /1\r\n\r\none\r\n--abc\r\n\r\ntwo\r\n--abc--\r\n",
            Encoding.ASCII.GetString(ms.ToArray()));
    }

    [Fact]
    public async Task RoundTripsThroughTheReader()
    {
        var random = new Random(11);
        var parts = new List<TestPart>();
        var ms = new MemoryStream();
        var writer = new MultipartRelatedWriter(ms);
        for (int i = 0; i < 50; i++)
        {
            byte[] body = NastyBody(writer.Boundary, i, i == 7 ? 0 : random.Next(0, 200_000));
            var headers = new List<KeyValuePair<string, string>> { new("Content-Location", $"/instances/{i}") };
            parts.Add(new TestPart([new("Content-Type", "application/dicom"), .. headers], body));
            if (i % 2 == 0)
            {
                await writer.WritePartAsync("application/dicom", body, headers);
            }
            else
            {
                await writer.WritePartAsync("application/dicom", new MemoryStream(body), headers);
            }
        }

        await writer.CompleteAsync();
        await writer.DisposeAsync();

        string contentType = writer.ContentType("application/dicom");
        Assert.True(MediaTypeHeader.TryParseMultipartRelated(contentType, out string boundary, out string? type, out _));
        Assert.Equal(writer.Boundary, boundary);
        Assert.Equal("application/dicom", type);

        List<ReadPart> read = await ReadAllAsync(new MultipartRelatedReader(new MemoryStream(ms.ToArray()), boundary));
        TestUtil.AssertParts(parts, read);
    }

    [Fact]
    public async Task RoundTripsThroughAPipe()
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 64 * 1024, resumeWriterThreshold: 32 * 1024, useSynchronizationContext: false));
        var writer = new MultipartRelatedWriter(pipe.Writer, "pipe-boundary");
        var parts = Enumerable.Range(0, 20).Select(i => TestPart.Of("application/octet-stream", NastyBody("pipe-boundary", i, i * 10_000))).ToList();
        Task producer = Task.Run(async () =>
        {
            foreach (TestPart part in parts)
            {
                await writer.WritePartAsync("application/octet-stream", new MemoryStream(part.Body));
            }

            await writer.CompleteAsync();
            await pipe.Writer.CompleteAsync();
        });
        List<ReadPart> read = await ReadAllAsync(new MultipartRelatedReader(pipe.Reader, "pipe-boundary"), readSize: 3000);
        await producer;
        TestUtil.AssertParts(parts, read);
    }

    [Fact]
    public async Task EmptyBodyRoundTrips()
    {
        var ms = new MemoryStream();
        var writer = new MultipartRelatedWriter(ms, "e");
        await writer.CompleteAsync();
        Assert.Equal("--e--\r\n", Encoding.ASCII.GetString(ms.ToArray()));
        Assert.Empty(await ReadAllAsync(new MultipartRelatedReader(new MemoryStream(ms.ToArray()), "e")));
    }

    [Fact]
    public void ContentTypeQuotesTheTypeAndABoundaryThatNeedsIt()
    {
        var plain = new MultipartRelatedWriter(new MemoryStream(), "simple-1");
        Assert.Equal("multipart/related; type=\"application/dicom\"; boundary=simple-1", plain.ContentType("application/dicom"));
        Assert.Equal(
            "multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.1; boundary=simple-1",
            plain.ContentType("application/dicom", "1.2.840.10008.1.2.1"));
        var spaced = new MultipartRelatedWriter(new MemoryStream(), "a b:c");
        Assert.Equal("multipart/related; type=\"application/dicom\"; boundary=\"a b:c\"", spaced.ContentType("application/dicom"));
        Assert.True(MediaTypeHeader.TryParseMultipartRelated(spaced.ContentType("application/dicom"), out string boundary, out _, out _));
        Assert.Equal("a b:c", boundary);
    }

    [Fact]
    public void RandomBoundariesDiffer()
    {
        var a = new MultipartRelatedWriter(new MemoryStream());
        var b = new MultipartRelatedWriter(new MemoryStream());
        Assert.NotEqual(a.Boundary, b.Boundary);
        Assert.InRange(a.Boundary.Length, 10, 70);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has\"quote")]
    [InlineData("ends-with-space ")]
    [InlineData("01234567890123456789012345678901234567890123456789012345678901234567890")]
    public void InvalidBoundariesAreRejected(string boundary)
    {
        Assert.Throws<ArgumentException>(() => new MultipartRelatedWriter(new MemoryStream(), boundary));
    }

    [Fact]
    public async Task HeaderInjectionIsRejectedAndNothingIsWritten()
    {
        var ms = new MemoryStream();
        var writer = new MultipartRelatedWriter(ms, "abc");
        await Assert.ThrowsAsync<ArgumentException>(async () => await writer.WritePartAsync("a/b", Ascii("x"), [new("X-Evil", "v\r\nInjected: 1")]));
        await Assert.ThrowsAsync<ArgumentException>(async () => await writer.WritePartAsync("a/b", Ascii("x"), [new("Bad Name", "v")]));
        await Assert.ThrowsAsync<ArgumentException>(async () => await writer.WritePartAsync("a/b\r\n", Ascii("x")));
        await writer.CompleteAsync();
        Assert.Equal("--abc--\r\n", Encoding.ASCII.GetString(ms.ToArray()));
    }

    [Fact]
    public async Task WritingAfterCompleteFails()
    {
        var pipe = new Pipe();
        var writer = new MultipartRelatedWriter(pipe.Writer, "abc");
        await writer.CompleteAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await writer.WritePartAsync("a/b", Ascii("x")));
    }

    [Fact]
    public async Task DisposingWithoutCompleteLeavesABodyTheReaderReportsAsTruncated()
    {
        var ms = new MemoryStream();
        await using (var writer = new MultipartRelatedWriter(ms, "abc"))
        {
            await writer.WritePartAsync("a/b", Ascii("partial"));
        }

        var reader = new MultipartRelatedReader(new MemoryStream(ms.ToArray()), "abc");
        MultipartPart part = (await reader.ReadNextPartAsync())!;
        await Assert.ThrowsAsync<MultipartFormatException>(async () => await part.Body.CopyToAsync(Stream.Null));
    }
}
