namespace DicomWeb.Dicom;

/// <summary>One attribute of a data set: a tag, a VR and a value of the kind the subclass holds.</summary>
public abstract class DicomElement
{
    /// <summary>Creates an element.</summary>
    protected DicomElement(DicomTag tag, DicomVR vr)
    {
        Tag = tag;
        VR = vr;
    }

    /// <summary>The attribute tag.</summary>
    public DicomTag Tag { get; }

    /// <summary>The value representation.</summary>
    public DicomVR VR { get; }

    /// <summary>Where the element's header started in the source stream, or -1 when built in memory.</summary>
    public long StreamOffset { get; init; } = -1;

    /// <summary>Where the element's value started in the source stream, or -1 when built in memory.</summary>
    public long ValueOffset { get; init; } = -1;

    /// <summary>The value length read from the source (0xFFFFFFFF for undefined length), or -1 when built in memory.</summary>
    public long SourceLength { get; init; } = -1;

    /// <inheritdoc />
    public override string ToString() => $"{Tag} {DicomVRInfo.Code(VR)}";
}

/// <summary>A sequence of items (VR SQ, or UN of undefined length read as a sequence).</summary>
public sealed class DicomSequence : DicomElement
{
    /// <summary>Creates a sequence with the given items.</summary>
    public DicomSequence(DicomTag tag, IEnumerable<DicomDataset>? items = null, DicomVR vr = DicomVR.SQ) : base(tag, vr)
    {
        if (items != null) foreach (var item in items) Add(item);
    }

    /// <summary>The items, in order.</summary>
    public List<DicomDataset> Items { get; } = [];

    /// <summary>True when the source encoded the sequence with undefined length.</summary>
    public bool UndefinedLength { get; init; }

    /// <summary>The data set holding this sequence, once it has been added to one.</summary>
    internal DicomDataset? Owner { get; set; }

    /// <summary>Appends an item; its parent becomes the data set holding this sequence (for character set inheritance).</summary>
    public void Add(DicomDataset item)
    {
        item.Parent = Owner;
        Items.Add(item);
    }
}

/// <summary>One fragment of encapsulated pixel data: its bytes in memory, or where they lie in the source.</summary>
public sealed class DicomFragment
{
    /// <summary>A fragment held in memory.</summary>
    public DicomFragment(ReadOnlyMemory<byte> data)
    {
        Data = data;
        Length = data.Length;
    }

    /// <summary>A fragment left in its source.</summary>
    public DicomFragment(DicomBulkDataReference reference)
    {
        Reference = reference;
        Length = reference.Length;
        StreamOffset = reference.Offset;
    }

    /// <summary>The bytes, when loaded.</summary>
    public ReadOnlyMemory<byte>? Data { get; }

    /// <summary>Where the bytes lie, when not loaded.</summary>
    public DicomBulkDataReference? Reference { get; }

    /// <summary>The fragment length in bytes.</summary>
    public long Length { get; }

    /// <summary>Offset of the fragment's value (after its item header) in the source, or -1.</summary>
    public long StreamOffset { get; init; } = -1;

    /// <summary>Returns the fragment's bytes, loading them from the source when needed.</summary>
    public ReadOnlyMemory<byte> GetBytes() => Data ?? Reference!.ReadAll();
}

/// <summary>Encapsulated pixel data (PS3.5 §A.4): a Basic Offset Table and a list of fragments.</summary>
public sealed class DicomFragmentSequence : DicomElement
{
    /// <summary>Creates encapsulated pixel data.</summary>
    public DicomFragmentSequence(DicomTag tag, DicomVR vr = DicomVR.OB) : base(tag, vr) { }

    /// <summary>The Basic Offset Table: byte offsets of each frame's first fragment, relative to the first fragment's item tag. Often empty.</summary>
    public uint[] BasicOffsetTable { get; set; } = [];

    /// <summary>The fragments after the offset table item.</summary>
    public List<DicomFragment> Fragments { get; } = [];
}
