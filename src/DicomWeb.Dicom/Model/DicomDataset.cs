using System.Collections;

namespace DicomWeb.Dicom;

/// <summary>
/// An ordered set of elements: a whole data set, a file meta group or a sequence item.
/// Elements are kept sorted by tag; appending in tag order (as a parser does) costs O(1).
/// </summary>
public sealed class DicomDataset : IEnumerable<DicomElement>
{
    private readonly List<DicomElement> _elements = [];
    private DicomCharacterSet? _characterSet;

    /// <summary>Creates an empty data set.</summary>
    public DicomDataset() { }

    /// <summary>Creates a data set holding the given elements.</summary>
    public DicomDataset(IEnumerable<DicomElement> elements)
    {
        foreach (var element in elements) Set(element);
    }

    /// <summary>The data set this one is an item of (for character set inheritance), or null.</summary>
    public DicomDataset? Parent { get; set; }

    /// <summary>True when this item was encoded with undefined length in its source.</summary>
    public bool UndefinedLength { get; init; }

    /// <summary>Offset of the item header in the source, or -1.</summary>
    public long StreamOffset { get; init; } = -1;

    /// <summary>Number of elements.</summary>
    public int Count => _elements.Count;

    /// <summary>The element at position <paramref name="index"/> in tag order.</summary>
    public DicomElement this[int index] => _elements[index];

    /// <summary>
    /// The character set for this data set's strings: its own Specific Character Set, else the one it inherits
    /// from the data set it is nested in (PS3.5 §7.5.3), else the default repertoire.
    /// </summary>
    public DicomCharacterSet CharacterSet
    {
        get
        {
            if (_characterSet is not null) return _characterSet;
            if (TryGet<DicomDataElement>(DicomTags.SpecificCharacterSet, out var element))
                return _characterSet = DicomCharacterSet.FromTerms(SplitTerms(element));
            return Parent?.CharacterSet ?? DicomCharacterSet.Default;
        }
    }

    private static string[] SplitTerms(DicomDataElement element)
    {
        // Terms are ASCII; keep an empty first value (meaning "ISO 2022 with the default G0").
        var raw = element.Text ?? System.Text.Encoding.Latin1.GetString(element.GetBytes().Span);
        var terms = raw.Split('\\');
        for (var i = 0; i < terms.Length; i++) terms[i] = terms[i].Trim(' ', '\0');
        return terms;
    }

    /// <summary>Adds or replaces an element, keeping tag order.</summary>
    public void Set(DicomElement element)
    {
        if (element.Tag == DicomTags.SpecificCharacterSet) _characterSet = null;
        if (element is DicomSequence sequence)
        {
            sequence.Owner = this;
            foreach (var item in sequence.Items) item.Parent = this;
        }
        var count = _elements.Count;
        if (count == 0 || _elements[count - 1].Tag < element.Tag)
        {
            _elements.Add(element);
            return;
        }
        var index = IndexOf(element.Tag);
        if (index >= 0) _elements[index] = element;
        else _elements.Insert(~index, element);
    }

    /// <summary>Removes the element with this tag; true if one was there.</summary>
    public bool Remove(DicomTag tag)
    {
        var index = IndexOf(tag);
        if (index < 0) return false;
        _elements.RemoveAt(index);
        if (tag == DicomTags.SpecificCharacterSet) _characterSet = null;
        return true;
    }

    /// <summary>True when an element with this tag is present.</summary>
    public bool Contains(DicomTag tag) => IndexOf(tag) >= 0;

    /// <summary>The element with this tag, or null.</summary>
    public DicomElement? Get(DicomTag tag)
    {
        var index = IndexOf(tag);
        return index >= 0 ? _elements[index] : null;
    }

    /// <summary>Gets the element with this tag when it is of type <typeparamref name="T"/>.</summary>
    public bool TryGet<T>(DicomTag tag, out T element) where T : DicomElement
    {
        if (Get(tag) is T found)
        {
            element = found;
            return true;
        }
        element = null!;
        return false;
    }

    /// <summary>The whole value of a string element, decoded and trimmed; null when absent or not a primitive value.</summary>
    public string? GetString(DicomTag tag) =>
        TryGet<DicomDataElement>(tag, out var element) ? element.GetString(CharacterSet) : null;

    /// <summary>The values of a string element split on backslash; empty when absent.</summary>
    public string[] GetStrings(DicomTag tag) =>
        TryGet<DicomDataElement>(tag, out var element) ? element.GetStrings(CharacterSet) : [];

    /// <summary>The first value of a string element, or null when absent or empty.</summary>
    public string? GetFirstString(DicomTag tag)
    {
        var values = GetStrings(tag);
        return values.Length > 0 ? values[0] : null;
    }

    /// <summary>
    /// The first value of an integer-like element as an int: US, SS, UL, SL, SV, UV or IS.
    /// Null when absent, empty or not a number.
    /// </summary>
    public int? GetInt32(DicomTag tag)
    {
        if (!TryGet<DicomDataElement>(tag, out var element) || element.IsEmpty) return null;
        switch (element.VR)
        {
            case DicomVR.US: { var v = element.GetValues<ushort>(); return v.Length > 0 ? v[0] : null; }
            case DicomVR.SS: { var v = element.GetValues<short>(); return v.Length > 0 ? v[0] : null; }
            case DicomVR.UL: { var v = element.GetValues<uint>(); return v.Length > 0 && v[0] <= int.MaxValue ? (int)v[0] : null; }
            case DicomVR.SL: { var v = element.GetValues<int>(); return v.Length > 0 ? v[0] : null; }
            case DicomVR.SV: { var v = element.GetValues<long>(); return v.Length > 0 && v[0] is >= int.MinValue and <= int.MaxValue ? (int)v[0] : null; }
            case DicomVR.UV: { var v = element.GetValues<ulong>(); return v.Length > 0 && v[0] <= int.MaxValue ? (int)v[0] : null; }
            default:
                var text = element.GetStrings(CharacterSet);
                return text.Length > 0 && int.TryParse(text[0], System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var parsed)
                    ? parsed : null;
        }
    }

    /// <summary>The items of a sequence; empty when absent.</summary>
    public IReadOnlyList<DicomDataset> GetSequence(DicomTag tag) =>
        TryGet<DicomSequence>(tag, out var sequence) ? sequence.Items : [];

    /// <summary>Adds or replaces a string element built from text values.</summary>
    public DicomDataset SetStrings(DicomTag tag, DicomVR vr, params string[] values)
    {
        Set(DicomDataElement.FromStrings(tag, vr, values));
        return this;
    }

    private int IndexOf(DicomTag tag)
    {
        int lo = 0, hi = _elements.Count - 1;
        var key = tag.Value;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var value = _elements[mid].Tag.Value;
            if (value == key) return mid;
            if (value < key) lo = mid + 1;
            else hi = mid - 1;
        }
        return ~lo;
    }

    /// <inheritdoc />
    public IEnumerator<DicomElement> GetEnumerator() => _elements.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
