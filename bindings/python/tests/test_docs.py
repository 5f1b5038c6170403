"""The PyTorch round-trip snippet of docs/embedding.md runs as written."""
import doctest
import os
import re

import pytest

DOC = os.path.join(os.path.dirname(__file__), "..", "..", "..", "docs", "embedding.md")


def test_embedding_md_pytorch_snippet_runs():
    pytest.importorskip("torch", reason="PyTorch is not installed: the snippet needs it")
    with open(DOC) as f:
        text = f.read()
    blocks = [b for b in re.findall(r"```python\n(.*?)```", text, re.S) if ">>>" in b]
    assert len(blocks) == 1 and "load_state_dict" in blocks[0]
    test = doctest.DocTestParser().get_doctest(blocks[0], {}, "embedding.md", DOC, 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted >= 10 and result.failed == 0, result
