using System.IO.Pipelines;
using DicomWeb.Server.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace DicomWeb.Server.Tests;

/// <summary>The request log's byte counts, whichever body API a handler uses.</summary>
public sealed class HostingBodyCountTests
{
    private sealed class ServerPipe(PipeReader reader) : IRequestBodyPipeFeature
    {
        public PipeReader Reader { get; } = reader;
    }

    private static DefaultHttpContext Context(byte[] body, Stream responseBody)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(body);
        // Like Kestrel: the pipe is the server's own, not a wrapper over Request.Body.
        context.Features.Set<IRequestBodyPipeFeature>(new ServerPipe(PipeReader.Create(new MemoryStream(body), new StreamPipeReaderOptions(bufferSize: 4096))));
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(responseBody));
        return context;
    }

    [Fact]
    public async Task Bytes_read_through_the_pipe_reader_are_counted_once()
    {
        var body = new byte[100_000];
        var context = Context(body, Stream.Null);
        var counts = BodyCounts.Attach(context);

        long seen = 0;
        while (true)
        {
            var result = await context.Request.BodyReader.ReadAsync();
            // Consume all but a few bytes each time, as parsers that wait for more data do.
            var consume = result.IsCompleted ? result.Buffer.Length : Math.Max(0, result.Buffer.Length - 7);
            seen += consume;
            context.Request.BodyReader.AdvanceTo(result.Buffer.GetPosition(consume), result.Buffer.End);
            if (result.IsCompleted) break;
        }

        Assert.Equal(body.Length, seen);
        Assert.Equal(body.Length, counts.BytesIn);
    }

    [Fact]
    public async Task Bytes_read_through_the_stream_are_counted()
    {
        var body = new byte[12_345];
        var context = Context(body, Stream.Null);
        var counts = BodyCounts.Attach(context);

        await context.Request.Body.CopyToAsync(Stream.Null);

        Assert.Equal(body.Length, counts.BytesIn);
    }

    [Fact]
    public async Task Bytes_written_through_writer_and_stream_are_counted_and_arrive()
    {
        var sink = new MemoryStream();
        var context = Context([], sink);
        var counts = BodyCounts.Attach(context);

        var span = context.Response.BodyWriter.GetSpan(10);
        span[..10].Fill(1);
        context.Response.BodyWriter.Advance(10);
        await context.Response.BodyWriter.FlushAsync();
        await context.Response.BodyWriter.WriteAsync(new byte[20]);
        await context.Response.Body.WriteAsync(new byte[5]);
        await context.Response.CompleteAsync();

        Assert.Equal(35, counts.BytesOut);
        Assert.Equal(35, sink.Length);
    }
}
