using System.IO.Pipelines;
using Xunit.Abstractions;
using static DicomWeb.Multipart.Tests.TestUtil;

namespace DicomWeb.Multipart.Tests;

/// <summary>Runs alone so that process-wide allocation counts are not disturbed by other tests.</summary>
[CollectionDefinition(nameof(SerialCollection), DisableParallelization = true)]
public sealed class SerialCollection
{
}

[Collection(nameof(SerialCollection))]
public class LargePartTests(ITestOutputHelper output)
{
    private const string B = "large-part-boundary";
    private const long AllocationBudget = 16 * 1024 * 1024;

    private static byte[] Pattern()
    {
        // 64 KiB of binary data full of CR, LF, "--" and partial delimiters; starting with 'Z'
        // so that repeating it can never form the delimiter across a repetition.
        byte[] pattern = NastyBody(B, 99, 64 * 1024);
        pattern[0] = (byte)'Z';
        return pattern;
    }

    private static GeneratedStream Source(byte[] pattern, long size) => new(
        Ascii("\r\n--" + B + "\r\nContent-Type: application/dicom\r\nContent-Location: /big\r\n\r\n"),
        pattern,
        size,
        Ascii("\r\n--" + B + "\r\nContent-Type: text/plain\r\n\r\ntail\r\n--" + B + "--\r\n"));

    private static async Task<long> ReadAndVerifyAsync(MultipartRelatedReader reader, byte[] pattern, long size)
    {
        MultipartPart part = (await reader.ReadNextPartAsync())!;
        Assert.Equal("/big", part.ContentLocation);
        var buffer = new byte[81920];
        long total = 0;
        int n;
        while ((n = await part.Body.ReadAsync(buffer)) > 0)
        {
            // Check the bytes against the pattern without materialising anything.
            int checkedBytes = 0;
            while (checkedBytes < n)
            {
                int offset = (int)((total + checkedBytes) % pattern.Length);
                int m = Math.Min(pattern.Length - offset, n - checkedBytes);
                if (!buffer.AsSpan(checkedBytes, m).SequenceEqual(pattern.AsSpan(offset, m)))
                {
                    Assert.Fail($"Body differs near offset {total + checkedBytes}.");
                }

                checkedBytes += m;
            }

            total += n;
        }

        Assert.Equal(size, total);
        MultipartPart tail = (await reader.ReadNextPartAsync())!;
        Assert.Equal("text/plain", tail.ContentType);
        Assert.Equal("tail", await new StreamReader(tail.Body).ReadToEndAsync());
        Assert.Null(await reader.ReadNextPartAsync());
        return total;
    }

    [Fact]
    public async Task OneGigabytePartStreamsThroughAPipeWithBoundedAllocation()
    {
        const long size = 1L << 30;
        byte[] pattern = Pattern();
        GeneratedStream source = Source(pattern, size);

        // Kestrel-like pipe: 4 KiB pooled segments, back-pressure at 64 KiB.
        var pipe = new Pipe(new PipeOptions(useSynchronizationContext: false));
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var started = DateTime.UtcNow;
        Task writer = Task.Run(async () =>
        {
            while (true)
            {
                Memory<byte> memory = pipe.Writer.GetMemory();
                int n = source.Read(memory.Span);
                if (n == 0)
                {
                    break;
                }

                pipe.Writer.Advance(n);
                FlushResult result = await pipe.Writer.FlushAsync();
                if (result.IsCompleted)
                {
                    break;
                }
            }

            await pipe.Writer.CompleteAsync();
        });

        await ReadAndVerifyAsync(new MultipartRelatedReader(pipe.Reader, B), pattern, size);
        await writer;
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        output.WriteLine($"1 GiB through a pipe: {(DateTime.UtcNow - started).TotalSeconds:F2} s, allocated {allocated:N0} bytes");
        Assert.True(allocated < AllocationBudget, $"allocated {allocated:N0} bytes for a {size:N0}-byte part");
    }

    [Fact]
    public async Task QuarterGigabytePartStreamsThroughAStreamWithBoundedAllocation()
    {
        const long size = 256L << 20;
        byte[] pattern = Pattern();
        GeneratedStream source = Source(pattern, size);
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var started = DateTime.UtcNow;
        await ReadAndVerifyAsync(new MultipartRelatedReader(source, B), pattern, size);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        output.WriteLine($"256 MiB through a stream: {(DateTime.UtcNow - started).TotalSeconds:F2} s, allocated {allocated:N0} bytes");
        Assert.True(allocated < AllocationBudget, $"allocated {allocated:N0} bytes for a {size:N0}-byte part");
    }
}
