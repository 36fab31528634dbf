using System.IO.Pipelines;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.WebUtilities;

namespace DicomWeb.Multipart.Benchmarks;

/// <summary>
/// Reads every part body of the same in-memory multipart/related body to its end, with our reader and with
/// ASP.NET Core's <see cref="MultipartReader"/> (the baseline, 4 KiB buffer by default).
/// </summary>
[MemoryDiagnoser]
public class MultipartReadBenchmarks
{
    private const string Boundary = "bench-boundary-0123456789abcdef";

    private byte[] _body = [];
    private readonly byte[] _readBuffer = new byte[81920];

    /// <summary>Part count × part size.</summary>
    [Params("1000x0.5MB", "4x50MB")]
    public string Shape { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        (int count, int size) = Shape switch
        {
            "1000x0.5MB" => (1000, 512 * 1024),
            "4x50MB" => (4, 50 * 1024 * 1024),
            _ => throw new InvalidOperationException(Shape),
        };

        // Random bytes: CR, LF and '-' occur at their natural rate; a planted near-miss per 64 KiB.
        var random = new Random(42);
        var part = new byte[size];
        random.NextBytes(part);
        byte[] nearMiss = Encoding.ASCII.GetBytes("\r\n--" + Boundary[..^1] + "X");
        for (int i = 1000; i + nearMiss.Length < size; i += 64 * 1024)
        {
            nearMiss.CopyTo(part, i);
        }

        var ms = new MemoryStream(count * (size + 200));
        ms.Write("\r\n"u8);
        for (int i = 0; i < count; i++)
        {
            ms.Write(Encoding.ASCII.GetBytes($"\r\n--{Boundary}\r\nContent-Type: application/dicom\r\nContent-Location: /instances/{i}\r\n\r\n"));
            ms.Write(part);
        }

        ms.Write(Encoding.ASCII.GetBytes($"\r\n--{Boundary}--\r\n"));
        _body = ms.ToArray();
    }

    [Benchmark(Baseline = true, Description = "WebUtilities MultipartReader (Stream, 4 KiB)")]
    public async Task<long> WebUtilities()
    {
        var reader = new MultipartReader(Boundary, new MemoryStream(_body, writable: false));
        long total = 0;
        while (await reader.ReadNextSectionAsync() is { } section)
        {
            total += await DrainAsync(section.Body);
        }

        return total;
    }

    [Benchmark(Description = "WebUtilities MultipartReader (Stream, 64 KiB)")]
    public async Task<long> WebUtilities64K()
    {
        var reader = new MultipartReader(Boundary, new MemoryStream(_body, writable: false), 64 * 1024);
        long total = 0;
        while (await reader.ReadNextSectionAsync() is { } section)
        {
            total += await DrainAsync(section.Body);
        }

        return total;
    }

    [Benchmark(Description = "MultipartRelatedReader (Stream, 64 KiB)")]
    public async Task<long> OursStream()
    {
        var reader = new MultipartRelatedReader(new MemoryStream(_body, writable: false), Boundary);
        return await ReadOursAsync(reader);
    }

    [Benchmark(Description = "MultipartRelatedReader (PipeReader, 4 KiB)")]
    public async Task<long> OursPipe4K()
    {
        PipeReader pipe = PipeReader.Create(new MemoryStream(_body, writable: false), new StreamPipeReaderOptions(bufferSize: 4096, leaveOpen: true));
        long total = await ReadOursAsync(new MultipartRelatedReader(pipe, Boundary));
        await pipe.CompleteAsync();
        return total;
    }

    private async Task<long> ReadOursAsync(MultipartRelatedReader reader)
    {
        long total = 0;
        while (await reader.ReadNextPartAsync() is { } part)
        {
            total += await DrainAsync(part.Body);
        }

        return total;
    }

    private async Task<long> DrainAsync(Stream body)
    {
        long total = 0;
        int n;
        while ((n = await body.ReadAsync(_readBuffer)) > 0)
        {
            total += n;
        }

        return total;
    }
}
