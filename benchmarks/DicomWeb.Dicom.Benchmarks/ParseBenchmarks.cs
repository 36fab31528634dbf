using BenchmarkDotNet.Attributes;

namespace DicomWeb.Dicom.Benchmarks;

/// <summary>Header parse of a 512×512 CT (up to Pixel Data) against just reading those header bytes from disk.</summary>
[MemoryDiagnoser]
public class HeaderParseBenchmarks
{
    private string _path = "";
    private byte[] _buffer = [];

    [GlobalSetup]
    public void Setup()
    {
        _path = Corpus.PathOf("native/ct_explicit_le.dcm");
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

    [Benchmark(Description = "parse header")]
    public int ParseHeader() => DicomFile.Open(_path, new DicomReaderOptions { StopBeforePixelData = true }).Dataset.Count;
}

/// <summary>Full parse of a multi-frame file against reading the whole file.</summary>
[MemoryDiagnoser]
public class FullParseBenchmarks
{
    private string _path = "";

    [GlobalSetup]
    public void Setup() => _path = Corpus.PathOf("multiframe/enhanced_ct.dcm");

    [Benchmark(Baseline = true, Description = "read whole file")]
    public int ReadAllBytes() => File.ReadAllBytes(_path).Length;

    [Benchmark(Description = "parse whole file")]
    public int ParseAll() => DicomFile.Open(_path).Dataset.Count;
}

/// <summary>Frame offsets of a 500-frame encapsulated file (parse + index) against reading the whole file.</summary>
[MemoryDiagnoser]
public class FrameIndexBenchmarks
{
    private string _path = "";

    [GlobalSetup]
    public void Setup() => _path = SyntheticFiles.WriteEncapsulated(frames: 500, frameBytes: 20_000);

    [GlobalCleanup]
    public void Cleanup() => File.Delete(_path);

    [Benchmark(Baseline = true, Description = "read whole file")]
    public int ReadAllBytes() => File.ReadAllBytes(_path).Length;

    [Benchmark(Description = "parse + frame index")]
    public int IndexFrames() => DicomFrameIndex.Compute(DicomFile.Open(_path).Dataset).Count;
}
