using BenchmarkDotNet.Attributes;

namespace DicomWeb.Dicom.Benchmarks;

/// <summary>Header parse of a 512×512 CT (up to Pixel Data) against just reading those header bytes from disk.</summary>
[MemoryDiagnoser]
[PixelDataColumns]
public class HeaderParseBenchmarks
{
    private const string CorpusFile = "native/ct_explicit_le.dcm";

    /// <summary>Pixel data bytes in the file, for the "Alloc / pixel data" column.</summary>
    public static long PixelDataBytes => Corpus.PixelDataBytes(CorpusFile);

    private string _path = "";
    private byte[] _buffer = [];

    [GlobalSetup]
    public void Setup()
    {
        _path = Corpus.PathOf(CorpusFile);
        var header = DicomFile.Open(_path, new DicomReaderOptions { StopBeforePixelData = true });
        _buffer = new byte[header.StoppedAt];
    }

    [Benchmark(Baseline = true, Description = "read header bytes")]
    public int ReadHeaderBytes()
    {
        using var stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        stream.ReadExactly(_buffer);
        return _buffer[^1];
    }

    /// <summary>
    /// The same bytes read the way <see cref="DicomFile.Open"/> now opens a file (handle, no access-pattern hint): shows
    /// how much of the ratio is the open rather than the parse.
    /// </summary>
    [Benchmark(Description = "read header bytes (handle)")]
    public int ReadHeaderBytesByHandle()
    {
        using var handle = File.OpenHandle(_path, FileMode.Open, FileAccess.Read, FileShare.Read);
        RandomAccess.Read(handle, _buffer, 0);
        return _buffer[^1];
    }

    [Benchmark(Description = "parse header")]
    public int ParseHeader() => DicomFile.Open(_path, new DicomReaderOptions { StopBeforePixelData = true }).Dataset.Count;
}

/// <summary>Full parse of a multi-frame file against reading the whole file.</summary>
[MemoryDiagnoser]
[PixelDataColumns]
public class FullParseBenchmarks
{
    private const string CorpusFile = "multiframe/enhanced_ct.dcm";
    private string _path = "";

    /// <summary>Pixel data bytes in the file, for the "Alloc / pixel data" column.</summary>
    public static long PixelDataBytes => Corpus.PixelDataBytes(CorpusFile);

    [GlobalSetup]
    public void Setup() => _path = Corpus.PathOf(CorpusFile);

    [Benchmark(Baseline = true, Description = "read whole file")]
    public int ReadAllBytes() => File.ReadAllBytes(_path).Length;

    [Benchmark(Description = "parse whole file")]
    public int ParseAll() => DicomFile.Open(_path).Dataset.Count;
}

/// <summary>
/// Frame offsets of a 500-frame encapsulated file (parse + index) against reading the whole file. Each 20 000-byte
/// fragment is under the reader's default 64 KiB bulk data threshold, so with default options every fragment is loaded;
/// the ingest path (InstanceStore) reads with a 1 KiB threshold, which leaves fragments in the file.
/// </summary>
[MemoryDiagnoser]
[PixelDataColumns]
public class FrameIndexBenchmarks
{
    private const int Frames = 500;
    private const int FrameBytes = 20_000;
    private static readonly DicomReaderOptions IngestOptions = new() { BulkDataThreshold = 1024 };
    private string _path = "";

    /// <summary>Pixel data bytes (fragment values), for the "Alloc / pixel data" column.</summary>
    public static long PixelDataBytes => (long)Frames * FrameBytes;

    [GlobalSetup]
    public void Setup() => _path = SyntheticFiles.WriteEncapsulated(Frames, FrameBytes);

    [GlobalCleanup]
    public void Cleanup() => File.Delete(_path);

    [Benchmark(Baseline = true, Description = "read whole file")]
    public int ReadAllBytes() => File.ReadAllBytes(_path).Length;

    [Benchmark(Description = "parse + frame index (default options)")]
    public int IndexFrames() => DicomFrameIndex.Compute(DicomFile.Open(_path).Dataset).Count;

    [Benchmark(Description = "parse + frame index (ingest options, 1 KiB threshold)")]
    public int IndexFramesIngest() => DicomFrameIndex.Compute(DicomFile.Open(_path, IngestOptions).Dataset).Count;
}
