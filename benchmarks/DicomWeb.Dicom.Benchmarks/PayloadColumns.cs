using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace DicomWeb.Dicom.Benchmarks;

/// <summary>
/// Adds the "Pixel data" and "Alloc / pixel data" columns, which check the goal "no allocation proportional to
/// pixel data": the benchmark class declares <c>public static long PixelDataBytes</c> (computed in the host process,
/// which never runs GlobalSetup) and the column divides the MemoryDiagnoser's bytes allocated per operation by it.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class PixelDataColumnsAttribute() : ColumnConfigBaseAttribute(PixelDataColumn.Size, PixelDataColumn.Ratio);

internal sealed class PixelDataColumn(bool ratio) : IColumn
{
    public static readonly IColumn Size = new PixelDataColumn(ratio: false);
    public static readonly IColumn Ratio = new PixelDataColumn(ratio: true);
    private static readonly ConcurrentDictionary<Type, long?> Cache = new();

    public string Id => ratio ? "AllocPerPixelData" : "PixelDataSize";
    public string ColumnName => ratio ? "Alloc / pixel data" : "Pixel data";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => ratio ? 1 : 0;
    public bool IsNumeric => true;
    public UnitType UnitType => ratio ? UnitType.Dimensionless : UnitType.Size;
    public string Legend => ratio
        ? "Bytes allocated per operation divided by the pixel data bytes in the file (goal: far below 100 %)"
        : "Bytes of pixel data in the file (from the Pixel Data element to the end)";

    public bool IsAvailable(Summary summary) => true;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var pixels = Cache.GetOrAdd(benchmarkCase.Descriptor.Type, PixelDataOf);
        if (pixels is not > 0) return "-";
        if (!ratio) return Format.Bytes(pixels.Value);
        var allocated = summary[benchmarkCase]?.GcStats.GetBytesAllocatedPerOperation(benchmarkCase);
        return allocated is { } bytes ? Format.Percent((double)bytes / pixels.Value) : "?";
    }

    private static long? PixelDataOf(Type type) =>
        type.GetProperty("PixelDataBytes", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as long?;
}

/// <summary>"JSON size": the size of the DICOM JSON a <see cref="JsonWriteBenchmarks"/> case writes (recomputed in the host).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class JsonSizeColumnAttribute() : ColumnConfigBaseAttribute(JsonSizeColumn.Instance);

internal sealed class JsonSizeColumn : IColumn
{
    public static readonly IColumn Instance = new JsonSizeColumn();
    private static readonly ConcurrentDictionary<string, long> Cache = new();

    public string Id => "JsonSize";
    public string ColumnName => "JSON size";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Size;
    public string Legend => "Bytes of DICOM JSON written per operation (the baseline copies the same number of bytes)";

    public bool IsAvailable(Summary summary) => true;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
        benchmarkCase.Parameters[nameof(JsonWriteBenchmarks.File)] is string file
            ? Format.Bytes(Cache.GetOrAdd(file, static f => JsonWriteBenchmarks.Render(f).Length))
            : "-";
}

internal static class Format
{
    public static string Bytes(long bytes) => bytes switch
    {
        >= 1 << 20 => (bytes / 1048576.0).ToString("0.00", CultureInfo.InvariantCulture) + " MB",
        >= 1 << 10 => (bytes / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " KB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
    };

    public static string Percent(double fraction) =>
        (fraction * 100).ToString(fraction < 0.1 ? "0.00" : "0.0", CultureInfo.InvariantCulture) + " %";
}
