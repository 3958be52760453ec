-- `clearance lsp` driven by Neovim's own client (Neovim 0.7: vim.lsp.start_client and
-- vim.lsp.buf_attach_client), headless. scripts/test runs it:
--   CLEARANCE_BIN=... CLEARANCE_ROOT=... nvim --headless -u NONE -c "luafile tests/nvim/lsp_test.lua"
-- It exits 0 when every step answered as expected, 1 (cquit) with the failed step otherwise.

local bin = assert(os.getenv("CLEARANCE_BIN"), "CLEARANCE_BIN names the binary")
local root = assert(os.getenv("CLEARANCE_ROOT"), "CLEARANCE_ROOT names the repository")

local function fail(message)
  io.stderr:write("FAIL: " .. message .. "\n")
  vim.cmd("cquit 1")
end

local function check(condition, message)
  if not condition then
    fail(message)
  end
end

local function step(name)
  io.stderr:write("nvim: " .. name .. "\n")
end

local text = {
  'ruleset lsp.nvim',
  '  title en "Neovim test" fr "Test Neovim"',
  '  version "1"',
  '  source CAS "CAS"',
  '  input declaration: Declaration',
  '',
  'use stdlib.customs.*',
  '',
  'const floor = 0 kg',
  '',
  'rule R-1',
  '  title en "Mass of the items" fr "Masse des articles"',
  '  severity error',
  '      category validation_violation',
  '  implements CAS-MASS-01',
  '  require declaration.refrence is present and (declaration.gross_mass otherwise 0 kg) >= floor',
  '  message en "m" fr "m"',
}

local dir = vim.fn.tempname()
vim.fn.mkdir(dir, "p")
local path = dir .. "/nvim.clr"
vim.fn.writefile(text, path)
vim.cmd("edit " .. path)
local buf = vim.api.nvim_get_current_buf()
local uri = vim.uri_from_bufnr(buf)

local rules = root .. "/rules"
local client_id = vim.lsp.start_client({
  name = "clearance",
  cmd = { bin, "lsp" },
  cmd_env = { XDG_CACHE_HOME = dir .. "/cache" },
  root_dir = rules,
  workspace_folders = { { uri = vim.uri_from_fname(rules), name = "rules" } },
})
check(client_id ~= nil, "the client did not start")
vim.lsp.buf_attach_client(buf, client_id)

local function line_of(needle)
  for index, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local column = line:find(needle, 1, true)
    if column then
      return index - 1, column - 1
    end
  end
  fail("no line holds " .. needle)
end

local function at(needle, offset)
  local line, column = line_of(needle)
  return { textDocument = { uri = uri }, position = { line = line, character = column + (offset or 1) } }
end

local function request(method, params)
  local responses = vim.lsp.buf_request_sync(buf, method, params, 20000)
  local response = responses and responses[client_id]
  check(response ~= nil, method .. ": no answer")
  check(response.err == nil, method .. ": " .. vim.inspect(response.err))
  return response.result
end

step("diagnostics")
local published = vim.wait(30000, function()
  return #vim.diagnostic.get(buf) > 0
end, 50)
check(published, "no diagnostics within 30 s")
local diagnostics = vim.diagnostic.get(buf)
check(#diagnostics == 1, "one diagnostic expected: " .. vim.inspect(diagnostics))
check(diagnostics[1].message:find("did you mean `reference`", 1, true) ~= nil, diagnostics[1].message)
local refrence_line = line_of("refrence")
check(diagnostics[1].lnum == refrence_line, "the diagnostic's line")

step("hover")
local hover = request("textDocument/hover", at("R-1"))
check(hover and hover.contents.value:find("Mass of the items", 1, true), vim.inspect(hover))

step("definition")
local definition = request("textDocument/definition", at("Declaration"))
local target = definition.uri or (definition[1] and definition[1].uri)
check(target and target:find("/customs.clr$"), vim.inspect(definition))

step("completion")
local completion = request("textDocument/completion", at("implements", 3))
local items = completion.items or completion
local labels = {}
for _, item in ipairs(items) do
  labels[item.label] = true
end
check(labels["implements"], vim.inspect(labels))

step("references")
local references = request("textDocument/references", vim.tbl_extend("force", at(">= floor", 4), {
  context = { includeDeclaration = true },
}))
check(#references == 2, vim.inspect(references))

step("rename")
local edit = request("textDocument/rename", vim.tbl_extend("force", at(">= floor", 4), { newName = "lightest" }))
vim.lsp.util.apply_workspace_edit(edit, "utf-16")
check(line_of("const lightest = 0 kg") ~= nil, "the definition renamed")
check(line_of(">= lightest") ~= nil, "the use renamed")

step("formatting")
local edits = request("textDocument/formatting", {
  textDocument = { uri = uri },
  options = { tabSize = 2, insertSpaces = true },
})
check(#edits >= 1, vim.inspect(edits))
vim.lsp.util.apply_text_edits(edits, buf, "utf-16")
local _, column = line_of("category validation_violation")
check(column == 2, "the clause is two spaces in after formatting, not " .. column)

step("code action")
local actions = request("textDocument/codeAction", {
  textDocument = { uri = uri },
  range = { start = { line = refrence_line, character = 0 }, ["end"] = { line = refrence_line, character = 80 } },
  context = { diagnostics = {} },
})
check(#actions == 1 and actions[1].title:find("reference", 1, true), vim.inspect(actions))

vim.lsp.stop_client(client_id)
io.stderr:write("nvim: every step answered\n")
vim.cmd("qall!")
