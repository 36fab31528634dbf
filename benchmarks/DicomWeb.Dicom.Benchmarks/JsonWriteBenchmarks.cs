using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;

namespace DicomWeb.Dicom.Benchmarks;

/// <summary>
/// DICOM JSON of a parsed header (StopBeforePixelData, parsed once in GlobalSetup) written with
/// <see cref="DicomJsonWriter"/> to a reused <see cref="Utf8JsonWriter"/> over a reused <see cref="ArrayBufferWriter{T}"/>,
/// with the options the server's ingest uses for the precomputed metadata (binary values over 256 bytes become BulkDataURIs).
/// </summary>
/// <remarks>
/// Files, largest element counts in the corpus first (counted with sequence items):
/// non-image/sr_tid1500.dcm (2061 elements, nested SR content tree, no pixel data),
/// non-image/seg_tcia.dcm (1923 elements, per-frame functional groups, stops before 786 KB of pixel data),
/// multiframe/enhanced_ct.dcm (156 elements, shared and per-frame functional groups).
/// (structure/private_tags_large.dcm has only 76 elements: its JSON is 98 % the Base64 of one 921 KB private OB preview,
/// so it would measure Base64, not the writer.)
/// <para>
/// Baseline: copy the already rendered JSON (same byte count) into the same sink. That is the floor any writer has to
/// pay for producing those bytes, so the ratio is the cost of turning the data set model into JSON per output byte,
/// with no disk or page-cache noise in either row. "read cached JSON file" is what serving the precomputed
/// metadata from disk costs instead (File.ReadAllBytes of the same JSON), for the render-vs-cache trade-off.
/// </para>
/// </remarks>
[MemoryDiagnoser]
[JsonSizeColumn]
public class JsonWriteBenchmarks
{
    private static readonly DicomJsonWriterOptions ServerMetadataOptions = new()
    {
        // As InstanceStore.WriteMetadataAsync: inline up to 256 bytes, BulkDataURI beyond.
        BulkData = new DicomBulkDataPolicy
        {
            UriFactory = context => "studies/1/series/2/instances/3/bulk/" + context.PathString,
            InlineThreshold = 256,
        },
    };

    private DicomDataset _dataset = new();
    private readonly ArrayBufferWriter<byte> _sink = new(1 << 20);
    private Utf8JsonWriter _writer = null!;
    private byte[] _rendered = [];
    private string _cachedJson = "";

    [Params("non-image/sr_tid1500.dcm", "non-image/seg_tcia.dcm", "multiframe/enhanced_ct.dcm")]
    public string File { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _dataset = Parse(File);
        _writer = new Utf8JsonWriter(_sink, DicomJsonWriter.CreateWriterOptions());
        _rendered = Render(File);
        _cachedJson = Path.Combine(Path.GetTempPath(), $"bench-json-{Guid.NewGuid():N}.json");
        System.IO.File.WriteAllBytes(_cachedJson, _rendered);
        if (WriteJson() != _rendered.Length) throw new InvalidOperationException("the writer is not deterministic");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _writer.Dispose();
        System.IO.File.Delete(_cachedJson);
    }

    [Benchmark(Baseline = true, Description = "copy same bytes to sink")]
    public int CopyRendered()
    {
        _sink.ResetWrittenCount();
        _sink.Write(_rendered);
        return _sink.WrittenCount;
    }

    [Benchmark(Description = "read cached JSON file")]
    public int ReadCachedJson() => System.IO.File.ReadAllBytes(_cachedJson).Length;

    [Benchmark(Description = "DicomJsonWriter.Write")]
    public int WriteJson()
    {
        _sink.ResetWrittenCount();
        _writer.Reset(_sink);
        DicomJsonWriter.Write(_writer, _dataset, ServerMetadataOptions);
        _writer.Flush();
        return _sink.WrittenCount;
    }

    /// <summary>The JSON the benchmark writes (also used by the "JSON size" column in the host process).</summary>
    internal static byte[] Render(string file)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, DicomJsonWriter.CreateWriterOptions()))
            DicomJsonWriter.Write(writer, Parse(file), ServerMetadataOptions);
        return buffer.WrittenSpan.ToArray();
    }

    private static DicomDataset Parse(string file) =>
        DicomFile.Open(Corpus.PathOf(file), new DicomReaderOptions { StopBeforePixelData = true }).Dataset;
}
